#!/usr/bin/env bash
# Registry transfer benchmark: a ~500 MiB image (5 layers of incompressible random data plus small
# files, generated once and cached as an OCI layout under bench/out) pushed to and pulled from a
# docker-registry of our own on 127.0.0.1, by skopeo and by jbuild. Each measurement uses a fresh
# repository (push) or an empty target (pull); best of N runs; prints seconds and skopeo/jbuild.
#
# The jbuild store gets the image through bench/registry/ImportLayout.java (run with java -cp on
# the CLI jar), since the store's load command does not exist yet; that import is not timed.
# skopeo runs with an empty blob-info cache each time (a private tmpfs over its cache dir when
# root, a fresh XDG_DATA_HOME otherwise), so that it cannot mount blobs it pushed before.
# Usage: bench/registry.sh [runs]   (JAVA_OPTS for the jbuild JVM, default none)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
runs="${1:-3}"
out="$here/out/registry"
mkdir -p "$out"
for tool in docker-registry skopeo python3 java; do
  command -v "$tool" >/dev/null || { echo "bench/registry.sh: $tool is missing" >&2; exit 1; }
done

"$root/jbuild" --version >/dev/null   # builds the CLI jar when needed
jar="$root/cli/target/jbuild.jar"
jbuild() { java ${JAVA_OPTS:-} -jar "$jar" "$@"; }

# ---------------------------------------------------------------- the image (cached)
layout="$out/image"
if [ ! -f "$layout/index.json" ]; then
  echo "generating the image (5 x 100 MiB random layers) in $layout ..."
  rm -rf "$layout" "$out/gen"
  mkdir -p "$layout/blobs/sha256" "$out/gen"
  layers=()
  for i in 1 2 3 4 5; do
    d="$out/gen/layer$i"
    mkdir -p "$d/data" "$d/etc/app$i"
    head -c $((100 * 1024 * 1024)) /dev/urandom > "$d/data/blob$i.bin"
    for j in $(seq 1 40); do echo "layer $i small file $j" > "$d/etc/app$i/file$j.conf"; done
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$d" -cf "$out/gen/layer$i.tar" .
    diff_id=$(sha256sum "$out/gen/layer$i.tar" | cut -d' ' -f1)
    gzip -1 -n -c "$out/gen/layer$i.tar" > "$out/gen/layer$i.tar.gz"
    digest=$(sha256sum "$out/gen/layer$i.tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$out/gen/layer$i.tar.gz")
    mv "$out/gen/layer$i.tar.gz" "$layout/blobs/sha256/$digest"
    layers+=("$diff_id $digest $size")
  done
  rm -rf "$out/gen"
  printf '%s\n' "${layers[@]}" > "$out/layers.txt"
  python3 - "$layout" "$out/layers.txt" <<'PY'
import hashlib, json, os, sys
layout = sys.argv[1]
rows = [l.split() for l in open(sys.argv[2]).read().split("\n") if l.strip()]
assert len(rows) == 5, rows
def put(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(layout, "blobs", "sha256", d), "wb").write(data)
    return "sha256:" + d, len(data)
config = {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + r[0] for r in rows]}}
cd, cs = put(config)
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + r[1],
                        "size": int(r[2])} for r in rows]}
md, ms = put(manifest)
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(layout, "oci-layout"), "w"))
PY
  rm -f "$out/layers.txt"
fi
total=$(du -sb "$layout/blobs" | cut -f1)
echo "image: $layout ($((total / 1024 / 1024)) MiB in $(ls "$layout/blobs/sha256" | wc -l) blobs)"

# ---------------------------------------------------------------- our registry
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host="127.0.0.1:$port"
rm -rf "$out/storage" "$out/targets"
mkdir -p "$out/storage" "$out/targets"
cat > "$out/registry.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $out/storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $host
  secret: jbuild-bench
YML
docker-registry serve "$out/registry.yml" > "$out/registry.log" 2>&1 &
registry_pid=$!
cleanup() {
  kill "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  rm -rf "$out/storage" "$out/targets" "$out/store" "$out/xdg"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fs "http://$host/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://$host/v2/" >/dev/null || { echo "docker-registry did not start:" >&2; cat "$out/registry.log" >&2; exit 1; }
echo "registry: docker-registry $(docker-registry --version 2>/dev/null | awk '{print $NF}') on $host (pid $registry_pid)"

skopeo_fresh() {
  if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    unshare -m sh -c 'mkdir -p /var/lib/containers/cache && mount -t tmpfs tmpfs /var/lib/containers/cache && exec skopeo "$@"' sh "$@"
  else
    rm -rf "$out/xdg"; mkdir -p "$out/xdg"
    XDG_DATA_HOME="$out/xdg" skopeo "$@"
  fi
}

now() { date +%s%N; }
best() { sort -n | head -1; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

# the jbuild store with the image, tagged for every push run (not timed)
tags=()
for i in $(seq 1 "$runs"); do tags+=("$host/jbuild-push-$i:bench"); done
java -cp "$jar" "$here/registry/ImportLayout.java" "$layout" "$out/store" "${tags[@]}"

sync
# ---------------------------------------------------------------- push
skopeo_push=(); jbuild_push=()
for i in $(seq 1 "$runs"); do
  t0=$(now)
  skopeo_fresh copy -q --dest-tls-verify=false "oci:$layout:bench" "docker://$host/skopeo-push-$i:bench"
  t1=$(now)
  jbuild push -q --root "$out/store" "$host/jbuild-push-$i:bench" >/dev/null
  t2=$(now)
  skopeo_push+=($((t1 - t0))); jbuild_push+=($((t2 - t1)))
  echo "  push run $i: skopeo $(secs $((t1 - t0))) s, jbuild $(secs $((t2 - t1))) s"
done

# ---------------------------------------------------------------- pull (what skopeo pushed)
skopeo_pull=(); jbuild_pull=()
for i in $(seq 1 "$runs"); do
  rm -rf "$out/targets"; mkdir -p "$out/targets"; sync
  t0=$(now)
  skopeo_fresh copy -q --src-tls-verify=false "docker://$host/skopeo-push-1:bench" "oci:$out/targets/skopeo:bench"
  t1=$(now)
  jbuild pull -q --root "$out/targets/jbuild" "$host/skopeo-push-1:bench" >/dev/null
  t2=$(now)
  skopeo_pull+=($((t1 - t0))); jbuild_pull+=($((t2 - t1)))
  echo "  pull run $i: skopeo $(secs $((t1 - t0))) s, jbuild $(secs $((t2 - t1))) s"
  a=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$out/targets/skopeo/index.json")
  b=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"]][0])' "$out/targets/jbuild/index.json")
  [ "$a" = "$b" ] || { echo "digest mismatch: skopeo $a, jbuild $b" >&2; exit 1; }
done

sp=$(printf '%s\n' "${skopeo_push[@]}" | best); jp=$(printf '%s\n' "${jbuild_push[@]}" | best)
sl=$(printf '%s\n' "${skopeo_pull[@]}" | best); jl=$(printf '%s\n' "${jbuild_pull[@]}" | best)
mib=$((total / 1024 / 1024))
echo "best of $runs, $mib MiB, end to end including process start:"
printf '  push  skopeo %6s s  jbuild %6s s  skopeo/jbuild %s\n' "$(secs "$sp")" "$(secs "$jp")" \
  "$(awk -v a="$sp" -v b="$jp" 'BEGIN { printf "%.2f", a / b }')"
printf '  pull  skopeo %6s s  jbuild %6s s  skopeo/jbuild %s\n' "$(secs "$sl")" "$(secs "$jl")" \
  "$(awk -v a="$sl" -v b="$jl" 'BEGIN { printf "%.2f", a / b }')"
