# Shared by bench/build.sh and bench/cache.sh (sourced after they set bench_name, here, root and work):
# checks the tools, starts a docker-registry of our own on 127.0.0.1 (stopped by PID on exit), makes and
# pushes the busybox base image, and generates the three cases under $work/cases:
#   one-run, multi-stage, big-context (a 200 MiB context of 2,000 files).
for tool in docker-registry skopeo buildah python3 curl tar; do
  command -v "$tool" >/dev/null || { echo "bench/$bench_name: $tool is missing" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "bench/$bench_name: /bin/busybox is missing (apt-get install busybox-static)" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
registry_pid=""
cleanup() {
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  clean_stores
  rm -rf "$work"
}
# buildah's overlay storage leaves mounts: unmount everything under our stores before removing them
clean_stores() {
  if [ -d "$work/stores" ]; then
    { grep -o " $work/stores/[^ ]*" /proc/self/mounts 2>/dev/null || true; } | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$work/stores"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the base image (busybox-static)
echo "making the busybox base image ..."
base="$work/base-rootfs"
mkdir -p "$base/bin" "$base/etc" "$base/tmp" "$base/root" "$base/dev" "$base/proc" "$base/sys" "$base/run" \
  "$base/usr/bin" "$base/var" "$base/home/app"
cp /bin/busybox "$base/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$base/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' > "$base/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' > "$base/etc/group"
: > "$base/etc/hosts"; : > "$base/etc/resolv.conf"
chmod 1777 "$base/tmp"; chmod 0700 "$base/root"
layout="$work/base-layout"
mkdir -p "$layout/blobs/sha256"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$base" -cf "$work/base.tar" .
python3 - "$layout" "$work/base.tar" <<'PY'
import gzip, hashlib, json, os, sys
layout, tar_path = sys.argv[1], sys.argv[2]
raw = open(tar_path, "rb").read()
gz = gzip.compress(raw, compresslevel=6, mtime=0)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(layout, "blobs", "sha256", d), "wb").write(data)
    return "sha256:" + d, len(data)
ld, ls = put(gz)
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
          "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "jbuild bench base: busybox-static"}]}
cd, cs = put(json.dumps(config, separators=(",", ":")).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": ls}]}
md, ms = put(json.dumps(manifest, separators=(",", ":")).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
          open(os.path.join(layout, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(layout, "oci-layout"), "w"))
PY
rm -rf "$base" "$work/base.tar"

# ---------------------------------------------------------------- our registry
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host="127.0.0.1:$port"
mkdir -p "$work/registry"
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $host
  secret: jbuild-bench
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://$host/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://$host/v2/" >/dev/null || { echo "docker-registry did not start:" >&2; cat "$work/registry.log" >&2; exit 1; }
skopeo copy -q --dest-tls-verify=false "oci:$layout:latest" "docker://$host/bench/busybox:latest"
base_ref="$host/bench/busybox:latest"
echo "registry: docker-registry on $host (pid $registry_pid), base $base_ref"

# ---------------------------------------------------------------- the cases
cases="$work/cases"
mkdir -p "$cases/one-run/context" "$cases/multi-stage/context" "$cases/big-context/context"
cat > "$cases/one-run/Dockerfile" <<'EOF'
ARG BASE
FROM ${BASE}
RUN echo "hello from one RUN" > /hello.txt
EOF
cat > "$cases/multi-stage/Dockerfile" <<'EOF'
ARG BASE
FROM ${BASE} AS builder
RUN mkdir -p /out && for i in $(seq 1 200); do head -c 102400 /dev/urandom > /out/blob-$i.bin; done
RUN cd /out && sha256sum blob-*.bin > /out/SUMS

FROM ${BASE} AS tools
RUN mkdir -p /tools && echo tool > /tools/tool.txt

FROM ${BASE}
COPY --from=builder /out/ /app/data/
COPY --from=tools /tools/tool.txt /app/
RUN cd /app/data && sha256sum -c SUMS > /app/verified.txt
EOF
cat > "$cases/big-context/Dockerfile" <<'EOF'
ARG BASE
FROM ${BASE}
COPY . /data/
EOF
echo "generating the 200 MiB context (2,000 files of 104,858 bytes) ..."
python3 - "$cases/big-context/context" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(20):
    sub = os.path.join(root, "dir%02d" % d)
    os.makedirs(sub, exist_ok=True)
    for f in range(100):
        with open(os.path.join(sub, "file%03d.bin" % f), "wb") as out:
            out.write(os.urandom(104858))
PY
echo "context: $(find "$cases/big-context/context" -type f | wc -l) files, $(du -sm "$cases/big-context/context" | cut -f1) MiB"
