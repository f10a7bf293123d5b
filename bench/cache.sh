#!/usr/bin/env bash
# Cache benchmark: warm rebuilds by `buildah bud --layers` and by `jbuild build`, on the cases of
# bench/build.sh (same Dockerfiles, same busybox base served by a docker-registry of our own on
# 127.0.0.1, started and stopped here by PID, same contexts), each context with one small extra
# file, notes.txt:
#   one-run      FROM base; RUN writing one small file                       (notes.txt unused)
#   multi-stage  a builder stage (RUNs making ~20 MiB in 200 files), a tools stage, a final stage
#                copying their output                                        (notes.txt unused)
#   big-context  COPY . /data/ of a 200 MiB context of 2,000 files           (notes.txt copied)
# For each case and tool, in a store of its own that is kept between the runs: one cold build and
# one warm-up rebuild (not timed), then, timed (best of N, wall clock including process start):
#   no-change  rebuild with nothing changed
#   touch      rebuild after `touch notes.txt` (mtime only: content unchanged)
#   edit       rebuild after appending a line to notes.txt (the content changed)
# The edit is undone (file rewritten) before the next run of the same measurement.
# buildah runs as `buildah --storage-driver overlay bud --layers --isolation oci` (runc).
# jbuild runs through ./jbuild (JBUILD_JAVA_OPTS for the JVM).
# Usage: bench/cache.sh [runs]    (best of runs, default 3)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
runs="${1:-3}"
work="${BENCH_TMP:-/tmp/jbuild-bench-cache}"
bench_name=cache.sh
# shellcheck source=lib/cases.sh
source "$here/lib/cases.sh"

for c in one-run multi-stage big-context; do
  echo "notes, version 1" > "$cases/$c/context/notes.txt"
done

# ---------------------------------------------------------------- timing
now() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

bstore="$work/stores/buildah"
jstore="$work/stores/jbuild"
buildah_build() {   # case
  local c="$1"
  buildah --root "$bstore/root" --runroot "$bstore/runroot" --storage-driver overlay bud -q --tls-verify=false \
    --layers --isolation oci --build-arg "BASE=$base_ref" -f "$cases/$c/Dockerfile" -t "localhost/bench-$c:latest" \
    "$cases/$c/context" > "$work/buildah-$c.log" 2>&1 || { echo "buildah failed on $c:" >&2; cat "$work/buildah-$c.log" >&2; exit 1; }
}
jbuild_build() {   # case
  local c="$1"
  "$root/jbuild" build --root "$jstore" --progress=plain --build-arg "BASE=$base_ref" -f "$cases/$c/Dockerfile" \
    -t "bench-$c:latest" "$cases/$c/context" > "$work/jbuild-$c.log" 2>&1 \
    || { echo "jbuild failed on $c:" >&2; cat "$work/jbuild-$c.log" >&2; exit 1; }
}
timed() {   # tool case -> ns
  local t0 t1
  t0=$(now); "$1_build" "$2"; t1=$(now)
  echo $((t1 - t0))
}
prepare() {   # what case: undo an edit, then change the file as the measurement wants
  local f="$cases/$2/context/notes.txt"
  echo "notes, version 1" > "$f"
  case "$1" in
    touch) touch "$f" ;;
    edit) echo "edited $(date +%s%N)" >> "$f" ;;
  esac
}

"$root/jbuild" --version >/dev/null   # builds the CLI jar (and its class archive) when needed
results=()
for c in one-run multi-stage big-context; do
  clean_stores; mkdir -p "$bstore" "$jstore"
  for tool in buildah jbuild; do
    prepare none "$c"; "${tool}_build" "$c"; "${tool}_build" "$c"   # cold, then warm-up
  done
  if [ "$c" = one-run ]; then
    grep -q CACHED "$work/jbuild-$c.log" || { echo "jbuild did not hit the cache:" >&2; cat "$work/jbuild-$c.log" >&2; exit 1; }
  fi
  for what in no-change touch edit; do
    best_b=""; best_j=""
    for i in $(seq 1 "$runs"); do
      prepare "$what" "$c"; b=$(timed buildah "$c")
      prepare "$what" "$c"; j=$(timed jbuild "$c")
      if [ -z "$best_b" ] || [ "$b" -lt "$best_b" ]; then best_b=$b; fi
      if [ -z "$best_j" ] || [ "$j" -lt "$best_j" ]; then best_j=$j; fi
      echo "  $c $what run $i: buildah $(secs "$b") s, jbuild $(secs "$j") s"
    done
    ratio=$(awk -v a="$best_b" -v b="$best_j" 'BEGIN { printf "%.1f", a / b }')
    results+=("$(printf '  %-12s %-9s buildah %7s s  jbuild %7s s  buildah/jbuild %s' "$c" "$what" "$(secs "$best_b")" "$(secs "$best_j")" "$ratio")")
  done
  grep -E "CACHED|cache miss" "$work/jbuild-$c.log" | sed "s/^/    jbuild $c (last run): /" || true
done
echo "warm rebuilds, best of $runs, wall clock including process start (buildah $(buildah --version | awk '{print $3}'), overlay, --layers, runc; jbuild JVM options: ${JBUILD_JAVA_OPTS:-launcher defaults}):"
printf '%s\n' "${results[@]}"
