#!/usr/bin/env bash
# Cold pull of one multi-layer image from a loopback Debian docker-registry: `kiln cache pull` into an
# empty cache against the peer `skopeo copy docker://REF oci:DIR:REF` into an empty layout, in
# alternating pairs (kiln first in odd pairs, skopeo first in even ones). Prints one row per pair and
# the medians of wall time and CPU (user+sys) from /usr/bin/time, and the median ratio kiln / skopeo.
# Usage: bench/oci-pull-layers.sh [PAIRS] [LAYER_MIB...]   (build kiln first: ./mvnw -q package -DskipTests)
set -euo pipefail
pairs=${1:-5}; shift || true
layers=("$@"); [ ${#layers[@]} -gt 0 ] || layers=(4 8 16 32 64 128)
here=$(cd "$(dirname "$0")/.." && pwd)
kiln="$here/kiln"
work=$(mktemp -d)
reg_pid=
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"; release_page_reporting; }
. "$here/bench/lib.sh"
trap cleanup EXIT
hold_page_reporting

start_registry "$work"
port=$reg_port

# an OCI layout with one image of uncompressed tar layers, each one file of random bytes
python3 - "$work/seed" "${layers[@]}" <<'PY'
import hashlib, io, json, os, sys, tarfile
root, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
os.makedirs(f"{root}/blobs/sha256")
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{root}/blobs/sha256/{d}", "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
descs = []
for i, mib in enumerate(sizes):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        info = tarfile.TarInfo(f"layer{i}/data"); info.size = mib << 20; info.mtime = 0
        t.addfile(info, io.BytesIO(os.urandom(info.size)))
    descs.append(dict(mediaType="application/vnd.oci.image.layer.v1.tar", **blob(buf.getvalue())))
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descs]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **blob(config)),
                       "layers": descs}).encode()
m = dict(mediaType="application/vnd.oci.image.manifest.v1+json", **blob(manifest))
m["annotations"] = {"org.opencontainers.image.ref.name": "layers"}
json.dump({"schemaVersion": 2, "manifests": [m]}, open(f"{root}/index.json", "w"))
open(f"{root}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
ref="127.0.0.1:$port/bench/layers:1"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/seed:layers" "docker://$ref"
total=$(du -sb "$work/seed/blobs" | cut -f1)

run() { # label, command...: prints "label wall cpu"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys <"$work/time"
  echo "$label $wall $(echo "$user + $sys" | bc)"
}
kiln_pull() { rm -rf "$work/cache"; run kiln env KILN_CACHE="$work/cache" "$kiln" -q cache pull "$ref"; }
skopeo_pull() { rm -rf "$work/sk"; run skopeo skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/sk:$ref"; }

echo "image: ${#layers[@]} layers (${layers[*]} MiB), $((total >> 20)) MiB of blobs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
kiln_pull >/dev/null; skopeo_pull >/dev/null   # untimed warm-up: binaries and registry files in the page cache
echo "pair kiln_wall_s kiln_cpu_s skopeo_wall_s skopeo_cpu_s ratio_wall"
for p in $(seq "$pairs"); do
  if [ $((p % 2)) -eq 1 ]; then k=$(kiln_pull); s=$(skopeo_pull); else s=$(skopeo_pull); k=$(kiln_pull); fi
  set -- $k $s
  echo "$p $2 $3 $5 $6 $(echo "scale=2; $2 / $5" | bc)"
done | tee "$work/rows"
python3 - "$work/rows" <<'PY'
import statistics, sys
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1])]
kw, kc, sw, sc, r = (statistics.median(c) for c in zip(*rows))
print(f"median kiln {kw:.2f} s wall {kc:.2f} s cpu, skopeo {sw:.2f} s wall {sc:.2f} s cpu, "
      f"ratio of medians {kw / sw:.2f}, median ratio {r:.2f}")
PY
