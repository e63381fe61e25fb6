#!/usr/bin/env bash
# B6: push aws --method import-snapshot against a real S3-compatible server on loopback
# (formats-and-uploads.md section 7). Fixture F1 = 2 GiB ext4 with ~431 MiB of real files (the recipe
# of bench/disk-formats.sh). Side by side:
#   kiln    kiln push aws F1 --method import-snapshot: streamOptimized VMDK written straight into a
#           parallel multipart upload (convert and upload pipelined, nothing on local disk)
#   peer    qemu-img convert -O vmdk -o subformat=streamOptimized, then aws s3 cp of that VMDK
#   raw     aws s3 cp of the raw file (what LinuxKit uploads)
# S3 is S3Mock (the Maven cache's s3mock jar, run by ImportBenchStub in its own JVM); EC2/STS answer
# from the tests' WireMock stub (ImportSnapshot, DescribeImportSnapshotTasks, RegisterImage ...).
# Bytes on the wire: an iptables counter on lo for TCP to the S3 port (client -> server, IP and TCP
# headers included); object sizes from S3 itself (ListObjectsV2). The uploaded object is checked
# byte for byte against `kiln convert F1 X.vmdk -f vmdk`, and the peer's VMDK with qemu-img compare.
# Rows: kiln = the CLI (wall1 includes JVM start-up and the CLI's content digest (by non-zero blocks) for
# the kiln:digest tag, which the peers do not compute); inproc = the same push in one JVM with a given
# digest (wall2 = the push alone); peer = qemu-img convert (wall1) then aws s3 cp (wall2); raw = aws s3 cp.
# SHAPE=100mbit shapes only the traffic to the S3 port on lo (htb class + u32 filter on the destination
# port; this kernel has no sch_prio/netem; not B6's netns + veth) and skips the raw row (2 GiB at that
# rate); default unshaped.
# Usage: sudo [SHAPE=100mbit] [RUNS=2] bench/aws-import.sh [WORKDIR]   (root for iptables/tc; F1 kept in WORKDIR)
# Needs: qemu-utils, e2fsprogs, iptables, the aws CLI, python3; build first: ./mvnw -q -o package -DskipTests
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/kiln-b6.XXXXXX)}
runs=${RUNS:-2}
mkdir -p "$work"
cd "$root"
[ -d cli/target/kiln/lib ] || { echo "build first: ./mvnw -q -o package -DskipTests" >&2; exit 1; }
./mvnw -q -o -pl providers/aws -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" \
  -Dmdep.includeScope=test
cp="$root/providers/aws/target/test-classes:$root/providers/aws/target/classes:$(cat "$work/cp.txt")"

if [ ! -f "$work/f1.raw" ]; then
  rm -rf "$work/root"; mkdir "$work/root"
  cp -a /usr/lib/jvm/java-17-openjdk-amd64 /usr/share/doc "$work/root/" 2>/dev/null || true
  cp -a /usr/lib/x86_64-linux-gnu/perl* "$work/root/" 2>/dev/null || true
  truncate -s 2G "$work/f1.raw"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$work/root" "$work/f1.raw"
  rm -rf "$work/root"
fi
ln -sf f1.raw "$work/bench.raw"   # push takes NAME.raw as the aws format; the image is called "bench"
raw=$(stat -c %s "$work/f1.raw")
echo "F1: $raw bytes, $(( $(stat -c %b "$work/f1.raw") * 512 / 1048576 )) MiB allocated"

port=19$((RANDOM % 900 + 100))
java -cp "$cp" dev.kiln.aws.ImportBenchStub "$port" > "$work/stub.out" 2> "$work/stub.err" & stub=$!
rule=(OUTPUT -o lo -p tcp --dport "$port" -m comment --comment kiln-b6)
cleanup() {
  iptables -D "${rule[@]}" 2>/dev/null || true
  [ -z "${SHAPE:-}" ] || tc qdisc del dev lo root 2>/dev/null || true
  kill $stub 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do grep -q '^http' "$work/stub.out" 2>/dev/null && break; sleep 0.5; done
ec2=$(grep '^http' "$work/stub.out") || { tail -20 "$work/stub.err" >&2; exit 1; }
s3="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=eu-west-1 AWS_REGION=eu-west-1 \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  AWS_REQUEST_CHECKSUM_CALCULATION=when_required
# (the aws CLI's default CRC32 on multipart uploads is rejected by S3Mock at CompleteMultipartUpload;
#  kiln's SDK sends CRC32 per part and in the complete request, which S3Mock accepts)
s3cli() { aws --endpoint-url "$s3" "$@"; }
s3cli s3 mb s3://bench > /dev/null
iptables -I "${rule[@]}"
if [ -n "${SHAPE:-}" ]; then
  tc qdisc add dev lo root handle 1: htb default 10
  tc class add dev lo parent 1: classid 1:10 htb rate 40gbit
  tc class add dev lo parent 1: classid 1:20 htb rate "$SHAPE" ceil "$SHAPE"
  tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport "$port" 0xffff flowid 1:20
  echo "traffic to S3 (port $port) shaped to $SHAPE"
fi
wire() { iptables -L OUTPUT -v -x -n | awk '/kiln-b6/ {print $2}'; }
zero() { iptables -Z OUTPUT; }
object_size() { s3cli s3api list-objects-v2 --bucket bench --prefix "$1" --query 'Contents[0].Size' --output text; }
cat "$work/f1.raw" > /dev/null   # warm the page cache for every side

kiln_push=("$root/kiln" --console plain -v push aws "$work/bench.raw" --method import-snapshot --bucket bench
  --keep-object --endpoint-url "$ec2" --endpoint-url-s3 "$s3" --poll-interval 10ms)
# timed LABEL CMD...: wall seconds and peak RSS KiB into $work/t, stderr kept in $work/LABEL.err
timed() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" > "$work/$label.out" 2> "$work/$label.err" \
    || { tail -20 "$work/$label.err" >&2; exit 1; }
}

echo "warm-up (class-data archive, page cache)"
"${kiln_push[@]}" > /dev/null 2>&1 || true
s3cli s3 rm --recursive s3://bench/ > /dev/null

"$root/kiln" -q convert "$work/f1.raw" "$work/bench.vmdk" -f vmdk > /dev/null
# one table row: side run object_bytes wire_bytes wall1 wall2 rss_mib (ratios to the raw size added)
row() {
  printf '%-5s %4s %13s %13s %8s %8s %8s %8s %8s\n' "$1" "$2" "$3" "$4" \
    "$(python3 -c "print(round($3/$raw,4))")" "$(python3 -c "print(round($4/$raw,4))")" "$5" "$6" "$7"
}
printf '%-5s %4s %13s %13s %8s %8s %8s %8s %8s\n' side run object wire obj/raw wire/raw wall1 wall2 rssMiB
for run in $(seq 1 "$runs"); do
  zero
  timed kiln "${kiln_push[@]}"
  read -r kwall krss < "$work/t"
  kwire=$(wire); kobj=$(object_size kiln/)
  key=$(s3cli s3api list-objects-v2 --bucket bench --prefix kiln/ --query 'Contents[0].Key' --output text)
  s3cli s3 cp "s3://bench/$key" "$work/back.vmdk" --quiet
  cmp "$work/back.vmdk" "$work/bench.vmdk" || { echo "uploaded object differs from kiln convert's VMDK" >&2; exit 1; }
  s3cli s3 rm --recursive s3://bench/ > /dev/null
  row kiln "$run" "$kobj" "$kwire" "$kwall" "-" "$((krss / 1024))"
  zero
  timed inproc java -cp "$cp" dev.kiln.aws.ImportBench "$work/f1.raw" "$ec2" "$s3"
  read -r iwall irss < "$work/t"
  iwire=$(wire); iobj=$(object_size kiln/inproc)
  ipush=$(sed -E 's/push seconds=//' "$work/inproc.out")
  s3cli s3 rm --recursive s3://bench/ > /dev/null
  row inproc "$run" "$iobj" "$iwire" "$iwall" "$ipush" "$((irss / 1024))"

  rm -f "$work/peer.vmdk"
  timed convert qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/f1.raw" "$work/peer.vmdk"
  read -r cwall crss < "$work/t"
  qemu-img compare -q -f raw -F vmdk "$work/f1.raw" "$work/peer.vmdk"
  zero
  timed upload aws --endpoint-url "$s3" s3 cp "$work/peer.vmdk" s3://bench/peer.vmdk --quiet
  read -r uwall ursss < "$work/t"
  pwire=$(wire); pobj=$(object_size peer.vmdk)
  s3cli s3 rm s3://bench/peer.vmdk > /dev/null
  row peer "$run" "$pobj" "$pwire" "$cwall" "+$uwall" "$((crss / 1024))/$((ursss / 1024))"
  peer=$(python3 -c "print(round($cwall+$uwall,2))")
  echo "      end-to-end / (qemu-img convert + aws s3 cp = $peer s): kiln CLI $(python3 -c "print(round($kwall/$peer,3))"), in-process push $(python3 -c "print(round($ipush/$peer,3))")"

  [ -z "${SHAPE:-}" ] || continue
  zero
  timed rawcp aws --endpoint-url "$s3" s3 cp "$work/f1.raw" s3://bench/f1.raw --quiet
  read -r rwall rrss < "$work/t"
  rwire=$(wire); robj=$(object_size f1.raw)
  s3cli s3 rm s3://bench/f1.raw > /dev/null
  row raw "$run" "$robj" "$rwire" "$rwall" "-" "$((rrss / 1024))"
done
