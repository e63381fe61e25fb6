#!/usr/bin/env bash
# B7: push aws --method ebs-direct against a local EBS direct stub (formats-and-uploads.md section 7).
# Fixtures: F1 = 2 GiB ext4 with ~431 MiB data, F3 = 1 GiB with 128 MiB data + 32 MiB allocated zeros,
# F4 = 64 GiB empty. Checks: PUT count == non-zero 512 KiB blocks (counted independently here),
# each block once with a valid SHA-256 and a matching LINEAR aggregate; bytes read <= 1.05 x allocated;
# preparation throughput vs sha256sum over the same allocated data; peak RSS of the uploader.
# Usage: bench/aws-ebs-direct.sh [WORKDIR]   (fixtures are kept in WORKDIR for later runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/kiln-b7.XXXXXX)}
mkdir -p "$work"
cd "$root"
# the reactor writes each module's class path to the file in turn; providers/aws comes last
./mvnw -q -o -pl providers/aws -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" \
  -Dmdep.includeScope=test
cp="$root/providers/aws/target/test-classes:$root/providers/aws/target/classes:$(cat "$work/cp.txt")"

fixtures() {
  cd "$work"
  if [ ! -f f1.raw ]; then
    rm -rf root; mkdir root
    cp -a /usr/lib/jvm/java-17-openjdk-amd64 /usr/share/doc root/ 2>/dev/null || true
    cp -a /usr/lib/x86_64-linux-gnu/perl* root/ 2>/dev/null || true
    truncate -s 2G f1.raw && mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d root f1.raw
    rm -rf root
  fi
  if [ ! -f f3.raw ]; then
    head -c 268435456 /dev/urandom > corpus.bin
    truncate -s 1G f3.raw
    for off in 0 64 200 400 700 900; do
      dd if=corpus.bin of=f3.raw bs=1M seek=$off skip=$((off % 230)) count=20 conv=notrunc status=none
    done
    dd if=corpus.bin of=f3.raw bs=1M seek=1000 skip=100 count=8 conv=notrunc status=none
    dd if=/dev/zero of=f3.raw bs=1M seek=500 count=32 conv=notrunc status=none
    rm -f corpus.bin
  fi
  [ -f f4.raw ] || truncate -s 64G f4.raw
  cd "$root"
}

# non-zero 512 KiB blocks and the allocated data, found with SEEK_DATA/SEEK_HOLE (independent of kiln)
count_blocks() {
  python3 - "$1" <<'PY'
import os, sys, hashlib
B = 524288
fd = os.open(sys.argv[1], os.O_RDONLY); size = os.fstat(fd).st_size
off, seen, nonzero, data = 0, set(), 0, b""
zero = bytes(B)
while off < size:
    try: start = os.lseek(fd, off, os.SEEK_DATA)
    except OSError: break
    end = os.lseek(fd, start, os.SEEK_HOLE)
    for b in range(start // B, (end + B - 1) // B):
        if b in seen: continue
        seen.add(b)
        chunk = os.pread(fd, B, b * B)
        if chunk.rstrip(b"\0"): nonzero += 1
    off = end
print(nonzero, os.fstat(fd).st_blocks * 512)
PY
}

fixtures
port=18$((RANDOM % 900 + 100))
java -cp "$cp" dev.kiln.aws.EbsBenchStub "$port" & stub=$!
trap 'kill $stub 2>/dev/null' EXIT
sleep 2
printf '%-4s %10s %10s %8s %12s %12s %7s %9s %9s %7s %9s\n' fix nonzero puts bad aggregate read/alloc ratio prepMBps shaMBps ratio rssMiB
for f in f1 f3 f4; do
  img="$work/$f.raw"
  read -r nonzero alloc < <(count_blocks "$img")
  cat "$img" > /dev/null   # warm the page cache for both sides
  prep=$(java -cp "$cp" dev.kiln.aws.EbsBench prep "$img" 2 | tail -1)
  bytesread=$(sed -E 's/.*bytesRead=([0-9]+).*/\1/' <<<"$prep")
  prepmbps=$(sed -E 's/.*MBps=([0-9.]+).*/\1/' <<<"$prep")
  # sha256sum over the same allocated data (the file's data extents, holes skipped)
  t0=$(date +%s.%N)
  python3 - "$img" <<'PY' | sha256sum > /dev/null
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); size = os.fstat(fd).st_size; off = 0; out = sys.stdout.buffer
while off < size:
    try: s = os.lseek(fd, off, os.SEEK_DATA)
    except OSError: break
    e = os.lseek(fd, s, os.SEEK_HOLE)
    for p in range(s, e, 8 << 20): out.write(os.pread(fd, min(8 << 20, e - p), p))
    off = e
PY
  t1=$(date +%s.%N)
  shambps=$(python3 -c "print(round($alloc/($t1-$t0)/1e6,1))")
  rss=$( { /usr/bin/time -f '%M' java -cp "$cp" dev.kiln.aws.EbsBench push "$img" "http://127.0.0.1:$port" >/dev/null; } 2>&1 | tail -1)
  after=$(curl -s "http://127.0.0.1:$port/stats")
  puts=$(python3 -c "import json;print(json.loads('$after')['puts'])")
  bad=$(python3 -c "import json;print(json.loads('$after')['bad'])")
  agg=$(python3 -c "import json;print(json.loads('$after')['aggregate'])")
  printf '%-4s %10s %10s %8s %12s %12s %7s %9s %9s %7s %9s\n' "$f" "$nonzero" "$puts" "$bad" "$agg" \
    "$bytesread/$alloc" "$(python3 -c "print(round($bytesread/max($alloc,1),3))")" "$prepmbps" "$shambps" \
    "$(python3 -c "print(round($prepmbps/$shambps,2) if $shambps else '-')")" "$((rss / 1024))"
  kill $stub; wait $stub 2>/dev/null || true
  java -cp "$cp" dev.kiln.aws.EbsBenchStub "$port" & stub=$!
  sleep 2
done
