#!/usr/bin/env bash
# Build benchmark: cold `buildah bud` against cold `jbuild build` on the same Dockerfiles, the same
# busybox base image served by a docker-registry of our own on 127.0.0.1 (started and stopped here,
# by PID), the same contexts. Cold: a fresh, empty store for every run (buildah --root/--runroot,
# jbuild --root), so the base is pulled and every step runs.
#
# Cases (generated under $BENCH_TMP, default /tmp/jbuild-bench-build):
#   one-run      FROM base; RUN writing one small file
#   multi-stage  a builder stage (RUNs making ~20 MiB in 200 files) and a final stage copying its output
#   big-context  COPY of a 200 MiB context of 2,000 files (104,858 random bytes each)
#
# buildah runs as `buildah --storage-driver overlay bud --layers --isolation oci` (runc, a layer per
# step, as jbuild does). jbuild is run through ./jbuild; while `jbuild build` prints "not
# implemented", its column shows n/a.
# Usage: bench/build.sh [runs]    (best of runs, default 3; JBUILD_JAVA_OPTS for the jbuild JVM)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
runs="${1:-3}"
work="${BENCH_TMP:-/tmp/jbuild-bench-build}"
bench_name=build.sh
# shellcheck source=lib/cases.sh
source "$here/lib/cases.sh"

# ---------------------------------------------------------------- timing
now() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

jbuild_state=unknown   # unknown | ok | na
jbuild_note=""

buildah_cold() {   # case -> nanoseconds on stdout
  local c="$1" s="$work/stores/buildah"
  clean_stores; mkdir -p "$s"; sync
  local t0 t1
  t0=$(now)
  buildah --root "$s/root" --runroot "$s/runroot" --storage-driver overlay bud -q --tls-verify=false --layers \
    --isolation oci --build-arg "BASE=$base_ref" -f "$cases/$c/Dockerfile" -t "localhost/bench-$c:latest" \
    "$cases/$c/context" > "$work/buildah-$c.log" 2>&1 || { echo "buildah failed on $c:" >&2; cat "$work/buildah-$c.log" >&2; exit 1; }
  t1=$(now)
  buildah --root "$s/root" --runroot "$s/runroot" --storage-driver overlay rmi -a -f >/dev/null 2>&1 || true
  clean_stores
  echo $((t1 - t0))
}

jbuild_cold() {   # case -> nanoseconds on stdout
  local c="$1" s="$work/stores/jbuild"
  clean_stores; mkdir -p "$s"; sync
  local t0 t1 rc=0
  t0=$(now)
  "$root/jbuild" build --root "$s" --build-arg "BASE=$base_ref" -f "$cases/$c/Dockerfile" -t "bench-$c:latest" \
    "$cases/$c/context" > "$work/jbuild-$c.log" 2>&1 || rc=$?
  t1=$(now)
  clean_stores
  if [ "$rc" != 0 ]; then
    echo "jbuild failed on $c:" >&2; cat "$work/jbuild-$c.log" >&2; exit 1
  fi
  echo $((t1 - t0))
}

# does `jbuild build` run builds yet? (a probe build in a throwaway store)
if ! "$root/jbuild" --version >/dev/null 2>&1; then
  jbuild_state=na; jbuild_note="./jbuild --version failed"
else
  mkdir -p "$work/probe"
  printf 'FROM scratch\nLABEL probe=1\n' > "$work/probe/Dockerfile"
  if JBUILD_ROOT="$work/probe-store" "$root/jbuild" build -f "$work/probe/Dockerfile" "$work/probe" \
      > "$work/probe.log" 2>&1; then
    jbuild_state=ok
  elif grep -q "not implemented" "$work/probe.log"; then
    jbuild_state=na; jbuild_note="$(head -1 "$work/probe.log")"
  else
    jbuild_state=ok   # it runs builds; a real failure will show in the timed runs
  fi
  rm -rf "$work/probe" "$work/probe-store"
fi
[ "$jbuild_state" = na ] && echo "jbuild: n/a ($jbuild_note)"

results=()
for c in one-run multi-stage big-context; do
  best_b=""; best_j=""
  for i in $(seq 1 "$runs"); do
    b=$(buildah_cold "$c")
    if [ "$jbuild_state" = ok ]; then j=$(jbuild_cold "$c"); else j=na; fi
    if [ -z "$best_b" ] || [ "$b" -lt "$best_b" ]; then best_b=$b; fi
    if [ "$j" != na ]; then
      if [ -z "$best_j" ] || [ "$j" -lt "$best_j" ]; then best_j=$j; fi
      jv="$(secs "$j") s"
    else
      jv="n/a"
    fi
    echo "  $c run $i: buildah $(secs "$b") s, jbuild $jv"
  done
  if [ -n "$best_j" ]; then
    ratio=$(awk -v a="$best_b" -v b="$best_j" 'BEGIN { printf "%.2f", a / b }')
    results+=("$(printf '  %-12s buildah %7s s  jbuild %7s s  buildah/jbuild %s' "$c" "$(secs "$best_b")" "$(secs "$best_j")" "$ratio")")
  else
    results+=("$(printf '  %-12s buildah %7s s  jbuild %7s    buildah/jbuild n/a' "$c" "$(secs "$best_b")" "n/a")")
  fi
done
echo "cold builds, best of $runs, end to end including process start (buildah $(buildah --version | awk '{print $3}'), overlay, --layers, runc):"
printf '%s\n' "${results[@]}"
