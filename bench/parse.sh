#!/usr/bin/env bash
# Parser benchmark: a generated 10,000-instruction Dockerfile (every instruction kind, continuations,
# heredocs, JSON forms), parsed by jbuild and by the npm package dockerfile-ast on the same file.
# Prints each figure and the ratio of warm medians. Usage: bench/parse.sh [instructions] [runs]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
n="${1:-10000}"
runs="${2:-30}"
out="$here/out"
mkdir -p "$out"

(cd "$root" && mvn -B -q -o -DskipTests -pl dockerfile-parser package)

df="$out/Dockerfile.$n"
python3 - "$n" > "$df" <<'PY'
import sys
n = int(sys.argv[1])
lines = ["# syntax=docker/dockerfile:1", "ARG BASE=busybox", "FROM ${BASE} AS base"]
kinds = [
    'RUN echo step{i} && \\\n    ls -la /tmp \\\n    # a comment inside\n    && true',
    'ENV K{i}=v{i} OTHER{i}="a b c"',
    'COPY --chown=1000:1000 --chmod=0644 src/file{i}.txt /app/dir{i}/',
    'RUN ["/bin/sh", "-c", "echo exec {i}"]',
    'LABEL org.example.k{i}="value {i}" second{i}=x',
    'RUN --mount=type=cache,target=/root/.cache,id=c{i} --network=none make target{i}',
    'WORKDIR /work/dir{i}',
    'ARG A{i}=default{i}',
    'COPY <<EOF /etc/conf{i}\nline one {i}\nline two\nEOF',
    'EXPOSE {p}/tcp',
]
count = 1
i = 0
while count < n:
    k = kinds[i % len(kinds)]
    lines.append(k.format(i=i, p=1000 + i % 60000))
    count += 1
    i += 1
    if i % 1000 == 999 and count < n:
        lines.append("FROM base AS stage%d" % i)
        count += 1
lines.append('CMD ["/bin/sh"]')
print("\n".join(lines))
PY
echo "input: $df ($(grep -c '' "$df") lines, $(wc -c < "$df") bytes, $n instructions)"

"$root/jbuild" --version >/dev/null   # builds the CLI jar when needed
t0=$(date +%s%N)
"$root/jbuild" -f "$df" --dry-run "$out" >/dev/null
t1=$(date +%s%N)
echo "jbuild end-to-end (JVM start + parse + plan + print): $(( (t1 - t0) / 1000000 )) ms"

jb=$(java -cp "$root/dockerfile-parser/target/classes" "$here/parser/ParseBench.java" "$df" "$runs")
echo "$jb"

peer=""
if command -v npm >/dev/null 2>&1; then
  if [ ! -d "$out/node_modules/dockerfile-ast" ]; then
    (cd "$out" && npm install --silent --no-audit --no-fund --prefix "$out" dockerfile-ast@0.7.1 >/dev/null 2>&1) || true
  fi
  if [ -d "$out/node_modules/dockerfile-ast" ]; then
    peer=$(cd "$out" && NODE_PATH="$out/node_modules" node "$here/parser/dockerfile-ast-bench.js" "$df" "$runs")
    echo "$peer"
  fi
fi
if [ -z "$peer" ]; then
  echo "dockerfile-ast: not available (npm install failed); no ratio"
  exit 0
fi
jm=$(sed -n 's/.*warm_median_ms=\([0-9.]*\).*/\1/p' <<<"$jb")
pm=$(sed -n 's/.*warm_median_ms=\([0-9.]*\).*/\1/p' <<<"$peer")
python3 -c "import sys; j,p=float(sys.argv[1]),float(sys.argv[2]); print('ratio dockerfile-ast/jbuild (warm median): %.2fx' % (p/j))" "$jm" "$pm"
