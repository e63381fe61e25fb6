#!/usr/bin/env bash
# B5: upload of a 2 GiB fixed VHD holding ~430 MiB of data (F1: ext4 with the JDK, docs and perl) to a real
# Azurite 3.35.0 on loopback: kiln's page upload (PageUpload, as push azure runs it: only the ranges holding
# data, each cut to its data sectors, 4 MiB at most, WORKERS in flight) against the Azure SDK's
# BlobClient.uploadFromFile of the whole file (its parallel block upload, what an azcopy-style full upload
# sends), interleaved ABAB. Reports each side's upload seconds, the JVM's wall time and peak RSS, bytes sent,
# and the data in the VHD counted here independently of kiln (non-zero 512-byte sectors).
# Goals (issue 14): wall <= 0.3x the peer, bytes on the wire <= data + 2 %, peak RSS <= 512 MiB.
# Usage: [XMX=256m] bench/azure-page-blob.sh [PAIRS] [WORKERS] [FIXTURE_DIR]   (the VHD is kept in FIXTURE_DIR for later runs)   (needs Azurite in .test-tools: ./test --install-only;
#        e2fsprogs, /usr/bin/time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-3}
workers=${2:-16}
work=$(mktemp -d /tmp/kiln-b5.XXXXXX)
fixtures=${3:-$work}
mkdir -p "$fixtures"
azurite=""
trap 'if [ -n "$azurite" ]; then kill "$azurite" 2>/dev/null; wait "$azurite" 2>/dev/null; fi; rm -rf "$work"; release_page_reporting' EXIT
. "$root/bench/lib.sh"
hold_page_reporting
bin=$(ls "$root"/.test-tools/npm/node_modules/.bin/azurite-blob 2>/dev/null || true)
[ -x "$bin" ] || { echo "Azurite is not installed: run ./test --install-only" >&2; exit 1; }

cd "$root"
./mvnw -o -q -pl providers/azure -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="$root/providers/azure/target/test-classes:$root/providers/azure/target/classes:$(cat "$work/cp.txt")"
bench=(java -Xmx${XMX:-256m} -XX:+UseSerialGC -XX:-UsePerfData -cp "$cp" dev.kiln.azure.AzurePageBench)

# F1, as the other benches make it, then kiln's fixed VHD of it
vhd="$fixtures/fs.vhd"
if [ ! -f "$vhd" ]; then
make_f1 "$work/fs.raw"
"${bench[@]}" vhd "$work/fs.raw" "$vhd"
rm -f "$work/fs.raw"
fi
data=$(python3 - "$vhd" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); size = os.fstat(fd).st_size; off = 0; n = 0
while off < size:
    try: s = os.lseek(fd, off, os.SEEK_DATA)
    except OSError: break
    e = os.lseek(fd, s, os.SEEK_HOLE)
    for p in range(s, e, 4 << 20):
        chunk = os.pread(fd, min(4 << 20, e - p), p)
        for i in range(0, len(chunk), 512):
            if chunk[i:i + 512].strip(b"\0"): n += 512
    off = e
print(n)
PY
)
size=$(stat -c %s "$vhd")
cat "$vhd" > /dev/null
echo "fixture: F1 as a fixed VHD of $size bytes, $data bytes of data (non-zero sectors); load: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$work/azurite"
port=$((20000 + RANDOM % 10000))
"$bin" --blobHost 127.0.0.1 --blobPort "$port" --location "$work/azurite" --skipApiVersionCheck --loose \
  --disableTelemetry > "$work/azurite.log" 2>&1 &
azurite=$!
for _ in $(seq 100); do grep -q 'listens on' "$work/azurite.log" && break; sleep 0.2; done
endpoint="http://127.0.0.1:$port/devstoreaccount1"

# once each, untimed: the memory both sides and Azurite write into is then backed by the host (bench/lib.sh)
"${bench[@]}" kiln "$vhd" "$endpoint" kiln-b5 warm-kiln.vhd "$workers" > /dev/null
"${bench[@]}" peer "$vhd" "$endpoint" kiln-b5 warm-peer.vhd > /dev/null
printf '%-4s %-5s %9s %9s %8s %12s %9s\n' pair side upload_s jvm_s rss_MiB bytes_sent sent/data
for i in $(seq "$pairs"); do
  /usr/bin/time -f '%e %M' -o "$work/t" "${bench[@]}" kiln "$vhd" "$endpoint" kiln-b5 "kiln-$i.vhd" "$workers" > "$work/out"
  read -r ks kbytes _ < "$work/out"; read -r kwall krss < "$work/t"
  printf '%-4s %-5s %9.2f %9s %8s %12s %9s\n' "$i" kiln "$ks" "$kwall" "$((krss / 1024))" "$kbytes" \
    "$(python3 -c "print(round($kbytes/$data, 4))")"
  /usr/bin/time -f '%e %M' -o "$work/t" "${bench[@]}" peer "$vhd" "$endpoint" kiln-b5 "peer-$i.vhd" > "$work/out"
  read -r ps pbytes < "$work/out"; read -r pwall prss < "$work/t"
  printf '%-4s %-5s %9.2f %9s %8s %12s %9s   ratio kiln/peer upload %s\n' "$i" peer "$ps" "$pwall" \
    "$((prss / 1024))" "$pbytes" "$(python3 -c "print(round($pbytes/$data, 4))")" \
    "$(python3 -c "print(round($ks/$ps, 3))")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
