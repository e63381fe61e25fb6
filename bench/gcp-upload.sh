#!/usr/bin/env bash
# B-GCP: upload of the gcp tar.gz of F1 (2 GiB ext4, ~430 MiB of files) to a local resumable-upload
# endpoint, kiln's upload path (google-cloud-storage's resumable writer over its HTTP transport,
# CHUNK MiB chunks (default 64, as `push gcp`), the library's CRC32C plus kiln's check of the stored
# object) against `curl -T` of the same file to the same server, interleaved ABAB, 5 pairs; peak RSS of kiln's JVM.
# The server (its own JVM, on the same cores) hashes what it receives: md5 (default) computes MD5 and
# CRC32C as GCS does, crc32c only CRC32C, which takes the server's CPU per byte down about fourfold so
# that the clients' own costs show. Its CPU seconds per upload are printed for both clients. It sends
# with TCP_NODELAY, as Google's front ends do (the JDK server's default Nagle otherwise holds every
# answer body for the client's delayed ACK, 40 ms, for both clients alike).
# https: the server speaks TLS with a self-signed certificate for localhost made by keytool; curl gets
# it with --cacert, kiln's JVM with javax.net.ssl.trustStore (what real uploads to GCS go through).
# Usage: [CHUNK=64] bench/gcp-upload.sh [pairs] [md5|crc32c] [http|https]
#        (needs e2fsprogs, curl, /usr/bin/time, keytool; builds the gcp module)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-5}
hashes=${2:-md5}
scheme=${3:-http}
chunk=${CHUNK:-64}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"; release_page_reporting' EXIT
. "$root/bench/lib.sh"
hold_page_reporting

cd "$root"
./mvnw -o -q -pl providers/gcp -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="$root/providers/gcp/target/test-classes:$root/providers/gcp/target/classes:$(cat "$work/cp.txt")"
java_bench() { java -Xmx192m -cp "$cp" dev.kiln.gcp.GcpUploadBench "$@"; }
# the JVM flags cli/src/main/dist/bin/kiln runs `kiln push` with (its class-data archive aside); XMN= (empty)
# leaves out the fixed young generation the launcher gives push and publish, to compare
xmn=${XMN-24m}
launcher_flags=(-XX:+UseSerialGC -XX:-UsePerfData ${xmn:+-Xmn$xmn})
tls_server=()
tls_client=()
curl_tls=()
if [ "$scheme" = https ]; then
  keytool -genkeypair -alias bench -keyalg EC -groupname secp256r1 -dname CN=localhost \
    -ext san=dns:localhost -validity 2 -storetype PKCS12 -keystore "$work/server.p12" \
    -storepass benchkey -keypass benchkey 2>/dev/null
  keytool -exportcert -rfc -alias bench -keystore "$work/server.p12" -storepass benchkey > "$work/cert.pem" 2>/dev/null
  keytool -importcert -noprompt -alias bench -file "$work/cert.pem" -storetype PKCS12 \
    -keystore "$work/trust.p12" -storepass benchkey 2>/dev/null
  tls_server=("$work/server.p12")
  tls_client=(-Djavax.net.ssl.trustStore="$work/trust.p12" -Djavax.net.ssl.trustStorePassword=benchkey)
  curl_tls=(--cacert "$work/cert.pem")
fi

# F1, as make-fixtures.sh makes it
make_f1 "$work/fs.raw"
java_bench convert "$work/fs.raw" "$work/fs.img.tar.gz"
size=$(stat -c %s "$work/fs.img.tar.gz")
cat "$work/fs.img.tar.gz" > /dev/null
echo "fixture: F1 2 GiB -> gcp tar.gz of $size bytes"

java -Xmx256m -Dsun.net.httpserver.nodelay=true -cp "$cp" dev.kiln.gcp.GcpUploadBench serve "$hashes" \
  "${tls_server[@]}" > "$work/endpoint" &
server=$!
for _ in $(seq 50); do [ -s "$work/endpoint" ] && break; sleep 0.2; done
endpoint=$(head -1 "$work/endpoint")

curl_once() {
  local location
  location=$(curl -s "${curl_tls[@]}" -D - -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data '{"name":"curl.tar.gz"}' "$endpoint/upload/storage/v1/b/bench/o?uploadType=resumable" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  /usr/bin/time -f '%e %M' -o "$work/t" curl -s "${curl_tls[@]}" -o /dev/null -T "$work/fs.img.tar.gz" "$location"
  cat "$work/t"
}
# kiln prints: upload_s (lookup, session, PUTs, check) and puts_s (first data PUT to last answer,
# what curl -T covers); time(1) gives the whole JVM's wall time and peak RSS.
kiln_once() {
  /usr/bin/time -f '%e %M' -o "$work/t" java -Xmx192m "${launcher_flags[@]}" "${tls_client[@]}" -cp "$cp" dev.kiln.gcp.GcpUploadBench \
    upload "$endpoint" "$work/fs.img.tar.gz" "$chunk" > "$work/out"
  echo "$(cut -d' ' -f1,2 "$work/out") $(cat "$work/t")"
}

server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$server/stat"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
curl_once > /dev/null  # the server's own JIT warm-up, untimed, so that pair 1 does not pay for it
echo "pair kiln_upload_s kiln_puts_s kiln_jvm_wall_s kiln_jvm_rss_kib curl_s ratio_upload ratio_puts server_cpu_s_kiln server_cpu_s_curl"
ratios=()
put_ratios=()
for i in $(seq "$pairs"); do
  s0=$(server_cpu)
  read -r k_s k_puts k_wall k_rss < <(kiln_once)
  s1=$(server_cpu)
  read -r c_s _ < <(curl_once)
  s2=$(server_cpu)
  r=$(awk -v k="$k_s" -v c="$c_s" 'BEGIN { printf "%.2f", c / k }')
  rp=$(awk -v k="$k_puts" -v c="$c_s" 'BEGIN { printf "%.2f", c / k }')
  ratios+=("$r")
  put_ratios+=("$rp")
  echo "$i $k_s $k_puts $k_wall $k_rss $c_s $r $rp $(awk -v a="$s0" -v b="$s1" -v c="$s2" 'BEGIN { printf "%.2f %.2f", b - a, c - b }')"
done
echo "median kiln/curl throughput ratio, whole upload: $(printf '%s\n' "${ratios[@]}" | median)"
echo "median kiln/curl throughput ratio, PUTs only: $(printf '%s\n' "${put_ratios[@]}" | median)"
echo "server: $hashes over $scheme, kiln chunk size $chunk MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
