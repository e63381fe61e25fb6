#!/usr/bin/env bash
# B5: upload of a 2 GiB fixed VHD holding ~430 MiB of data (F1: ext4 with the JDK, docs and perl) to a real
# Azurite 3.35.0 on loopback: kiln's page upload (PageUpload, as push azure runs it: only the ranges holding
# data, each cut to its data sectors, 4 MiB at most, WORKERS in flight) against the Azure SDK's
# BlobClient.uploadFromFile of the whole file (its parallel block upload, what an azcopy-style full upload
# sends), interleaved ABAB. Reports each side's upload seconds, the JVM's wall time and peak RSS, the request
# bodies each side sent, and the bytes on the wire: an iptables counter on lo for TCP to Azurite's port (client
# to server, HTTP, TCP and IP headers included). The data in the VHD is counted here independently of kiln, as
# formats-and-uploads.md counts F1's data ("430.9 MiB allocated": its non-zero 4 KiB blocks, i.e. what the
# file system allocated with data), and also as non-zero 512-byte sectors (the page blob's own unit: zero
# sectors inside a 4 KiB block, ext4's file tails, are a floor no 4 KiB-block reader can go under).
# Also each side's local bytes read during its upload (/proc/self/io rchar, an upper bound: class files loaded
# meanwhile count too), against the VHD's allocated bytes (formats-and-uploads.md B5: <= 1.05x allocated).
# Goals (issue 14): wall <= 0.3x the peer, bytes on the wire <= data + 2 %, peak RSS <= 512 MiB.
# Usage (root, for iptables): [XMX=256m] bench/azure-page-blob.sh [PAIRS] [WORKERS] [FIXTURE_DIR]   (the VHD is kept in FIXTURE_DIR for later runs)   (needs Azurite in .test-tools: ./test --install-only;
#        e2fsprogs, iptables, /usr/bin/time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-3}
workers=${2:-16}
work=$(mktemp -d /tmp/kiln-b5.XXXXXX)
fixtures=${3:-$work}
mkdir -p "$fixtures"
azurite=""
rule=()
trap 'if [ ${#rule[@]} -gt 0 ]; then iptables -D "${rule[@]}" 2>/dev/null || true; fi
  if [ -n "$azurite" ]; then kill "$azurite" 2>/dev/null; wait "$azurite" 2>/dev/null; fi; rm -rf "$work"; release_page_reporting' EXIT
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
read -r data sectors < <(python3 - "$vhd" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); size = os.fstat(fd).st_size - 512; off = 0; blocks = 0; sectors = 0
while off < size:
    try: s = os.lseek(fd, off, os.SEEK_DATA)
    except OSError: break
    if s >= size: break
    e = min(os.lseek(fd, s, os.SEEK_HOLE), size)
    for p in range(s, e, 4 << 20):
        chunk = os.pread(fd, min(4 << 20, e - p), p)
        for b in range(0, len(chunk), 4096):
            block = chunk[b:b + 4096]
            if block.strip(b"\0"):
                blocks += len(block)
                sectors += sum(512 for i in range(0, len(block), 512) if block[i:i + 512].strip(b"\0"))
    off = e
print(blocks + 512, sectors + 512)   # + the footer, which both sides send
PY
)
size=$(stat -c %s "$vhd")
cat "$vhd" > /dev/null
echo "fixture: F1 as a fixed VHD of $size bytes ($(du -B1 "$vhd" | cut -f1) allocated); data: $data bytes in non-zero 4 KiB blocks, $sectors in non-zero 512-byte sectors; load: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$work/azurite"
port=$((20000 + RANDOM % 10000))
"$bin" --blobHost 127.0.0.1 --blobPort "$port" --location "$work/azurite" --skipApiVersionCheck --loose \
  --disableTelemetry > "$work/azurite.log" 2>&1 &
azurite=$!
for _ in $(seq 100); do grep -q 'listens on' "$work/azurite.log" && break; sleep 0.2; done
endpoint="http://127.0.0.1:$port/devstoreaccount1"
rule=(OUTPUT -o lo -p tcp --dport "$port" -m comment --comment kiln-b5)
iptables -I "${rule[@]}"
wire() { iptables -L OUTPUT -v -x -n | awk '/kiln-b5/ {print $2}'; }

# once each, untimed: the memory both sides and Azurite write into is then backed by the host (bench/lib.sh)
"${bench[@]}" kiln "$vhd" "$endpoint" kiln-b5 warm-kiln.vhd "$workers" > /dev/null
"${bench[@]}" peer "$vhd" "$endpoint" kiln-b5 warm-peer.vhd > /dev/null
alloc=$(du -B1 "$vhd" | cut -f1)
printf '%-4s %-5s %9s %9s %8s %12s %12s %9s %12s %10s\n' pair side upload_s jvm_s rss_MiB body_bytes wire_bytes wire/data wire/sectors read/alloc
ratio() { python3 -c "print(round($1/$2, 4))"; }
for i in $(seq "$pairs"); do
  iptables -Z OUTPUT
  /usr/bin/time -f '%e %M' -o "$work/t" "${bench[@]}" kiln "$vhd" "$endpoint" kiln-b5 "kiln-$i.vhd" "$workers" > "$work/out"
  kwire=$(wire)
  read -r ks kbytes _ kread < "$work/out"; read -r kwall krss < "$work/t"
  printf '%-4s %-5s %9.2f %9s %8s %12s %12s %9s %12s %10s\n' "$i" kiln "$ks" "$kwall" "$((krss / 1024))" "$kbytes" "$kwire" \
    "$(ratio "$kwire" "$data")" "$(ratio "$kwire" "$sectors")" "$(ratio "$kread" "$alloc")"
  iptables -Z OUTPUT
  /usr/bin/time -f '%e %M' -o "$work/t" "${bench[@]}" peer "$vhd" "$endpoint" kiln-b5 "peer-$i.vhd" > "$work/out"
  pwire=$(wire)
  read -r ps pbytes pread < "$work/out"; read -r pwall prss < "$work/t"
  printf '%-4s %-5s %9.2f %9s %8s %12s %12s %9s %12s %10s   ratio kiln/peer upload %s\n' "$i" peer "$ps" "$pwall" \
    "$((prss / 1024))" "$pbytes" "$pwire" "$(ratio "$pwire" "$data")" "$(ratio "$pwire" "$sectors")" \
    "$(ratio "$pread" "$alloc")" "$(ratio "$ks" "$ps")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
