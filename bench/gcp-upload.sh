#!/usr/bin/env bash
# B-GCP: upload of the gcp tar.gz of F1 (2 GiB ext4, ~430 MiB of files) to a local resumable-upload
# endpoint, kiln's upload path (Google's Storage client, 16 MiB chunks, CRC32C check) against
# `curl -T` of the same file to the same server, interleaved ABAB, 5 pairs; peak RSS of kiln's JVM.
# Usage: bench/gcp-upload.sh [pairs]   (needs e2fsprogs, curl, /usr/bin/time; builds the gcp module)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-5}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

cd "$root"
./mvnw -o -q -pl providers/gcp -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="$root/providers/gcp/target/test-classes:$root/providers/gcp/target/classes:$(cat "$work/cp.txt")"
java_bench() { java -Xmx192m -cp "$cp" dev.kiln.gcp.GcpUploadBench "$@"; }

# F1, as make-fixtures.sh makes it
mkdir -p "$work/root"
cp -a /usr/lib/jvm/java-17-openjdk-amd64 /usr/share/doc "$work/root/" 2>/dev/null || true
cp -a /usr/lib/x86_64-linux-gnu/perl* "$work/root/" 2>/dev/null || true
truncate -s 2G "$work/fs.raw"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$work/root" "$work/fs.raw"
rm -rf "$work/root"
java_bench convert "$work/fs.raw" "$work/fs.img.tar.gz"
size=$(stat -c %s "$work/fs.img.tar.gz")
cat "$work/fs.img.tar.gz" > /dev/null
echo "fixture: F1 2 GiB -> gcp tar.gz of $size bytes"

java -Xmx256m -cp "$cp" dev.kiln.gcp.GcpUploadBench serve > "$work/endpoint" &
server=$!
for _ in $(seq 50); do [ -s "$work/endpoint" ] && break; sleep 0.2; done
endpoint=$(head -1 "$work/endpoint")

curl_once() {
  local location
  location=$(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data '{"name":"curl.tar.gz"}' "$endpoint/upload/storage/v1/b/bench/o?uploadType=resumable" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  /usr/bin/time -f '%e %M' -o "$work/t" curl -s -o /dev/null -T "$work/fs.img.tar.gz" "$location"
  cat "$work/t"
}
kiln_once() {
  /usr/bin/time -f '%e %M' -o "$work/t" java -Xmx192m -cp "$cp" dev.kiln.gcp.GcpUploadBench \
    upload "$endpoint" "$work/fs.img.tar.gz" 16 > "$work/out"
  echo "$(cut -d' ' -f1 "$work/out") $(cut -d' ' -f2 "$work/t")"
}

echo "pair kiln_upload_s kiln_jvm_rss_kib curl_s curl_over_kiln_throughput"
ratios=()
for i in $(seq "$pairs"); do
  read -r k_s k_rss < <(kiln_once)
  read -r c_s _ < <(curl_once)
  r=$(awk -v k="$k_s" -v c="$c_s" 'BEGIN { printf "%.2f", c / k }')
  ratios+=("$r")
  echo "$i $k_s $k_rss $c_s $r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print "median kiln/curl throughput ratio: " a[int((NR + 1) / 2)] }'
