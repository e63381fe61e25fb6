#!/usr/bin/env bash
# B10: push of a raw fixture to a real Glance on loopback (Debian's python3-keystone and python3-glance, started
# with the openstack tests' own start-keystone-glance.sh: sqlite, file store), side by side and interleaved:
#   kiln   `kiln push openstack fN-bios.img` (the raw disk sent as qcow2, only its data, generated while the
#          PUT /v2/images/{id}/file sends it, with its length known first and no temp file; Glance's checksums
#          compared with the MD5 and SHA-512 kiln computes on the way)
#   peer   `openstack image create --disk-format raw --file fN-bios.img` (python3-openstackclient: the raw file as it is)
#   peerq  `qemu-img convert -O qcow2` then `openstack image create --disk-format qcow2 --file` (the same qcow2
#          route done with the usual tools, through a temp file), timed together
# Fixtures (FIXTURE=f1, the default, or f8; both as the other benches make them, bench/lib.sh):
#   f1  2 GiB ext4 with the JDK, docs and perl (~430 MiB of files)
#   f8  8 GiB sparse raw with 3 GiB of random data in 32 runs (needs ~8 GiB free for the peer's raw upload in
#       Glance's store, 3 GiB for the fixture and 3 GiB for peerq's qcow2): the peak RSS must not grow with the image
# Each side is one /usr/bin/time: wall, CPU (user+sys) and peak RSS (for peerq the larger of the two steps), printed
# per run; then the medians, every kiln run's peak RSS, and the ratios kiln/peer and kiln/peerq. Goals (issue 15):
# wall <= 0.8x the peer, kiln's peak RSS <= 256 MiB whatever the image size (checked on every run, not the median).
# KILN_JAVA_OPTS passes JVM options to kiln's launcher (e.g. to compare heap settings).
# Every image is deleted right after its run; Keystone, Glance and the work folder go on exit (Ctrl-C too).
# Usage: [PAIRS=3] [FIXTURE=f1|f8] [FIXTURE_DIR=dir] bench/openstack-glance.sh
# Needs: a built kiln (./mvnw -q -o package -DskipTests), python3-keystone, python3-glance, python3-openstackclient,
#        qemu-utils, e2fsprogs, /usr/bin/time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${PAIRS:-3}
fixture=${FIXTURE:-f1}
case "$fixture" in f1|f8) ;; *) echo "FIXTURE is f1 or f8, not '$fixture'" >&2; exit 2 ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-b10.XXXXXX")
fixtures=${FIXTURE_DIR:-$work}
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
  rm -rf "$work"
  release_page_reporting
}
. "$root/bench/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -d "$root/cli/target/kiln/lib" ] || { echo "build kiln first: ./mvnw -q -o package -DskipTests" >&2; exit 1; }
for tool in /usr/bin/keystone-wsgi-public /usr/bin/openstack /usr/bin/qemu-img /usr/bin/time; do
  [ -x "$tool" ] || { echo "missing $tool: ./test --install-only installs the test packages" >&2; exit 1; }
done

# F1 or F8, as the other benches make them
mkdir -p "$fixtures"
raw="$fixtures/$fixture-bios.img"   # kiln tells raw-bios from the name, as kiln build writes it
if [ ! -f "$raw" ]; then
  "make_$fixture" "$raw"
fi
cat "$raw" > /dev/null
hold_page_reporting

# Keystone + Glance on free ports, as the tests start them (the catalog names Glance itself, no proxy)
free() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
kp=$(free); gp=$(free)
bash "$root/providers/openstack/src/test/resources/dev/kiln/openstack/start-keystone-glance.sh" "$work/r" "$kp" \
  "$gp" "http://127.0.0.1:$gp" "http://127.0.0.1:9/compute/v2.1" > "$work/start.log" 2>&1 \
  || { cat "$work/start.log" >&2; exit 1; }
pids=$(sed -n 's/^pids //p' "$work/start.log")
for url in "http://127.0.0.1:$kp/v3" "http://127.0.0.1:$gp/"; do
  for _ in $(seq 480); do curl -s -o /dev/null "$url" && break; sleep 0.25; done
done
export OS_AUTH_URL="http://127.0.0.1:$kp/v3" OS_USERNAME=admin OS_PASSWORD=secret OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne OS_IDENTITY_API_VERSION=3 \
  OS_INTERFACE=public
echo "fixture: ${fixture^^} $(stat -c %s "$raw") bytes, $(du -B1 "$raw" | cut -f1) allocated; Glance file store under $work/r/images"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure SIDE PAIR CMD...: one /usr/bin/time line "side wall cpu rss_kib"
measure() {
  local side=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" > "$work/out.log" 2>&1 || { cat "$work/out.log" >&2; exit 1; }
  read -r wall user sys rss < "$work/t"
  echo "$wall $(/usr/bin/python3 -c "print(round($user + $sys, 2))") $rss"
}
per_run() {
  local wall cpu rss
  read -r wall cpu rss <<< "$1"
  echo "wall ${wall}s cpu ${cpu}s peak RSS $((rss / 1024)) MiB"
}
delete_all() {
  /usr/bin/openstack image list -f value -c ID | while read -r id; do /usr/bin/openstack image delete "$id"; done
}

: > "$work/results"
for i in $(seq "$pairs"); do
  r=$(measure kiln "$root/kiln" push openstack "$raw" --name "b10-kiln-$i")
  echo "kiln $r" >> "$work/results"; echo "pair $i kiln  $(per_run "$r")"
  delete_all
  r=$(measure peer /usr/bin/openstack image create --disk-format raw --container-format bare --file "$raw" \
    "b10-peer-$i")
  echo "peer $r" >> "$work/results"; echo "pair $i peer  $(per_run "$r")"
  delete_all
  a=$(measure peerq /usr/bin/qemu-img convert -O qcow2 "$raw" "$work/peerq.qcow2")
  b=$(measure peerq /usr/bin/openstack image create --disk-format qcow2 --container-format bare \
    --file "$work/peerq.qcow2" "b10-peerq-$i")
  r=$(/usr/bin/python3 -c "a='$a'.split(); b='$b'.split(); print(round(float(a[0]) + float(b[0]), 2), \
round(float(a[1]) + float(b[1]), 2), max(int(a[2]), int(b[2])))")
  echo "peerq $r" >> "$work/results"; echo "pair $i peerq $(per_run "$r")"
  rm -f "$work/peerq.qcow2"
  delete_all
done

/usr/bin/python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, wall, cpu, rss = line.split()
    rows.setdefault(side, []).append((float(wall), float(cpu), int(rss)))
med = {s: [statistics.median(r[i] for r in v) for i in range(3)] for s, v in rows.items()}
print("%-6s %8s %8s %9s" % ("side", "wall_s", "cpu_s", "rss_MiB"))
for s in ("kiln", "peer", "peerq"):
    w, c, r = med[s]
    print("%-6s %8.2f %8.2f %9.0f" % (s, w, c, r / 1024))
for p in ("peer", "peerq"):
    print("kiln/%-5s wall %.2f  cpu %.2f  rss %.2f" % (p, med["kiln"][0] / med[p][0], med["kiln"][1] / med[p][1],
                                                      med["kiln"][2] / med[p][2]))
peak = [r[2] for r in rows["kiln"]]
print("kiln peak RSS per run (MiB): %s; largest %.0f" % (" ".join("%.0f" % (r / 1024) for r in peak), max(peak) / 1024))
print("goals: wall <= 0.8x the peer: %s; kiln RSS <= 256 MiB on every run: %s" % (
    "met" if med["kiln"][0] <= 0.8 * med["peer"][0] else "NOT met", "met" if max(peak) <= 256 * 1024 else "NOT met"))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
