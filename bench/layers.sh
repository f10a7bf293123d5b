#!/usr/bin/env bash
# Layer writing benchmark: a 1 GiB tree (20,000 small files of 4-16 KiB, half random and half text,
# plus one 800 MiB file of alternating random and repeated-text 1 MiB blocks, so gzip has work
# but the data does not collapse) generated in a temp dir, then written as a gzip layer by
# `tar -c --sort=name | pigz` and by jbuild's LayerWriter with its default options (gzip level 6,
# one compression thread per core), through bench/layers/WriteLayer.java on the CLI jar.
# Same tree, same run, warm page cache (a read of the whole tree first); best of N runs each.
# Prints both times, the output sizes and the ratio; removes everything it created.
# Usage: bench/layers.sh [runs]   (TMPDIR picks the disk, default /var/tmp; JAVA_OPTS for the JVM)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
runs="${1:-2}"
for tool in tar pigz python3 java; do
  command -v "$tool" >/dev/null || { echo "bench/layers.sh: $tool is missing" >&2; exit 1; }
done

"$root/jbuild" --version >/dev/null   # builds the CLI jar when needed
jar="$root/cli/target/jbuild.jar"

work="$(mktemp -d "${TMPDIR:-/var/tmp}/jbuild-layers.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
tree="$work/tree"
mkdir -p "$tree"

echo "generating the tree in $tree ..."
t0=$(date +%s%N)
python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
text = b"".join(b"line %06d: the quick brown fox jumps over the lazy dog, again and again\n" % i for i in range(16000))
# 20,000 small files in 200 directories
for d in range(200):
    dd = os.path.join(root, "usr", "share", "pkg%03d" % d)
    os.makedirs(dd)
    for f in range(100):
        size = rnd.randint(4096, 16384)
        if f % 2:
            data = os.urandom(size)
        else:
            start = rnd.randint(0, len(text) - size)
            data = text[start:start + size]
        with open(os.path.join(dd, "file%03d.dat" % f), "wb") as out:
            out.write(data)
# one 800 MiB file: alternating 1 MiB blocks of random bytes and repeated text
os.makedirs(os.path.join(root, "var", "lib", "big"))
block = (text * (1 + (1 << 20) // len(text)))[: 1 << 20]
with open(os.path.join(root, "var", "lib", "big", "data.bin"), "wb") as out:
    for i in range(800):
        out.write(os.urandom(1 << 20) if i % 2 == 0 else block)
PY
t1=$(date +%s%N)
bytes=$(du -sb "$tree" | cut -f1)
files=$(find "$tree" -type f | wc -l)
echo "tree: $files files, $((bytes / 1024 / 1024)) MiB, generated in $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }') s"

tar -c -C "$tree" . | cat > /dev/null   # warm the page cache (tar skips reading when writing to /dev/null)
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
# `time` of bash: wall, user and system seconds of the whole pipeline (CPU time is robust on a busy machine)
TIMEFORMAT='%R %U %S'

tar_best=""; jb_best=""; jb_jvm=""; tar_cpu=""; jb_cpu=""
for i in $(seq 1 "$runs"); do
  sync
  t=$( { time tar -c --sort=name -C "$tree" . | pigz > "$work/tar.tgz"; } 2>&1 )
  read -r tr tu ts <<<"$t"
  sync
  t=$( { time java ${JAVA_OPTS:-} -cp "$jar" "$here/layers/WriteLayer.java" "$tree" "$work/jbuild.tgz" > "$work/jbuild.out"; } 2>&1 )
  read -r jr ju js <<<"$t"
  jvm=$(sed -n 's/.*in_jvm_s=\([0-9.]*\).*/\1/p' "$work/jbuild.out")
  tt=$(awk -v s="$tr" 'BEGIN { printf "%d", s * 1000 }'); jt=$(awk -v s="$jr" 'BEGIN { printf "%d", s * 1000 }')  # ms
  tc=$(awk -v u="$tu" -v s="$ts" 'BEGIN { printf "%.2f", u + s }'); jc=$(awk -v u="$ju" -v s="$js" 'BEGIN { printf "%.2f", u + s }')
  echo "  run $i: tar|pigz $(secs "$tt") s (cpu $tc s), jbuild $(secs "$jt") s (cpu $jc s, inside the JVM $jvm s)"
  if [ -z "$tar_best" ] || [ "$tt" -lt "$tar_best" ]; then tar_best=$tt; tar_cpu=$tc; fi
  if [ -z "$jb_best" ] || [ "$jt" -lt "$jb_best" ]; then jb_best=$jt; jb_jvm=$jvm; jb_cpu=$jc; fi
done

tar_size=$(stat -c %s "$work/tar.tgz")
jb_size=$(stat -c %s "$work/jbuild.tgz")
# both archives must hold the same files
gzip -dc "$work/tar.tgz" | tar -t | sed 's#^\./##; /^$/d' | sort > "$work/tar.list"
gzip -dc "$work/jbuild.tgz" | tar -t | sed 's#^\./##; /^$/d' | sort > "$work/jbuild.list"
if ! cmp -s "$work/tar.list" "$work/jbuild.list"; then
  echo "the archives list different entries:" >&2
  diff "$work/tar.list" "$work/jbuild.list" | head -20 >&2
  exit 1
fi

echo "best of $runs, $((bytes / 1024 / 1024)) MiB tree, $(nproc) cores, end to end including process start:"
printf '  tar --sort=name | pigz  %6s s (cpu %6s s)  %6d MiB (%d bytes)\n' "$(secs "$tar_best")" "$tar_cpu" \
  $((tar_size / 1024 / 1024)) "$tar_size"
printf '  jbuild LayerWriter      %6s s (cpu %6s s)  %6d MiB (%d bytes), %s s inside the JVM\n' "$(secs "$jb_best")" \
  "$jb_cpu" $((jb_size / 1024 / 1024)) "$jb_size" "$jb_jvm"
echo "  load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  time jbuild/tar|pigz %s, cpu jbuild/tar|pigz %s, size jbuild/tar|pigz %s\n' \
  "$(awk -v a="$jb_best" -v b="$tar_best" 'BEGIN { printf "%.2f", a / b }')" \
  "$(awk -v a="$jb_cpu" -v b="$tar_cpu" 'BEGIN { printf "%.2f", a / b }')" \
  "$(awk -v a="$jb_size" -v b="$tar_size" 'BEGIN { printf "%.3f", a / b }')"
