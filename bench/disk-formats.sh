#!/usr/bin/env bash
# Disk formats, ours vs the peer tools, side by side and interleaved (formats-and-uploads.md section 7):
#   B1 raw->qcow2 (F1, F1d, F3) vs qemu-img    B2 raw->streamOptimized VMDK (F1) vs qemu-img
#   B3 GCP tar.gz (F1, F3) vs tar|pigz -p2     B4 raw->fixed VHD (F1) vs qemu-img vpc fixed,force_size
#   B8 64 GiB empty (F4) into every format, through the CLI and in-process
#   inproc: B1/B2/B3/B4 conversions inside one JVM (what a build pays, without JVM start-up)
# Every output is checked (qemu-img compare / tar -x + cmp) before its timings count.
# Usage: bench/disk-formats.sh [CASE...]   (default: all; PAIRS=N pairs per case, default 3)
# Needs: qemu-utils, pigz, e2fsprogs, GNU tar, python3; build first: ./mvnw -q -o package -DskipTests
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${PAIRS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-bench.XXXXXX")
. "$root/bench/lib.sh"
trap 'rm -rf "$work"; release_page_reporting' EXIT
kiln="$root/kiln"
cp_classes="$root/cli/target/kiln/lib/*:$root/image-build/target/test-classes"
[ -d "$root/cli/target/kiln/lib" ] || { echo "build first: ./mvnw -q -o package -DskipTests" >&2; exit 1; }

fixtures() {
  cd "$work"
  tar cf - /usr/lib/x86_64-linux-gnu /usr/bin /usr/share/doc /usr/lib/jvm/java-17-openjdk-amd64 2>/dev/null \
    | head -c 268435456 > corpus.bin || true
  make_f1 "$work/f1.raw"
  cp --sparse=never f1.raw f1d.raw
  truncate -s 1G f3.raw
  for off in 0 64 200 400 700 900; do
    dd if=corpus.bin of=f3.raw bs=1M seek=$off skip=$((off % 230)) count=20 conv=notrunc status=none
  done
  dd if=corpus.bin of=f3.raw bs=1M seek=1000 skip=100 count=8 conv=notrunc status=none
  dd if=/dev/zero of=f3.raw bs=1M seek=500 count=32 conv=notrunc status=none
  rm corpus.bin
  truncate -s 64G f4.raw
  cat f1.raw f1d.raw f3.raw > /dev/null   # warm the page cache
  echo "fixtures: F1 $(du -m f1.raw | cut -f1) MiB allocated of 2 GiB; F3 $(du -m f3.raw | cut -f1) MiB of 1 GiB"
}

# run LABEL CMD...: wall, cpu (user+sys), peak RSS KiB appended to $work/times
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys rss < "$work/t"
  echo "$label $wall $(python3 -c "print(round($user+$sys,2))") $rss" >> "$work/times"
}

size_of() { stat -c %s "$1"; }
alloc_of() { echo $(( $(stat -c %b "$1") * 512 )); }

# pair CASE OURS_OUT PEER_OUT -- OURS_CMD... -- PEER_CMD...
pair() {
  local case=$1 ours_out=$2 peer_out=$3; shift 3
  local ours=() peer=() side=0
  for a in "$@"; do
    if [ "$a" = "--" ]; then side=$((side + 1)); continue; fi
    if [ $side -eq 1 ]; then ours+=("$a"); else peer+=("$a"); fi
  done
  : > "$work/times"
  for i in $(seq "$pairs"); do
    rm -f "$ours_out" "$peer_out"; run ours "${ours[@]}"
    rm -f "$peer_out"; run peer "${peer[@]}"
  done
  python3 - "$case" "$work/times" "$(size_of "$ours_out")" "$(size_of "$peer_out")" \
      "$(alloc_of "$ours_out")" "$(alloc_of "$peer_out")" <<'PY'
import statistics, sys
case, path, so, sp, ao, ap = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
rows = [l.split() for l in open(path)]
ours = [r for r in rows if r[0] == 'ours']; peer = [r for r in rows if r[0] == 'peer']
def med(i, rs): return statistics.median(float(r[i]) for r in rs)
wr = statistics.median(float(o[1]) / max(float(p[1]), 0.01) for o, p in zip(ours, peer))
cr = statistics.median(float(o[2]) / max(float(p[2]), 0.01) for o, p in zip(ours, peer))
print(f"{case:28s} wall {med(1, ours):6.2f}s vs {med(1, peer):6.2f}s ratio {wr:4.2f} | cpu ratio {cr:4.2f} | "
      f"size {so/1e6:8.1f} vs {sp/1e6:8.1f} MB ({so/max(sp,1):.3f}) alloc {ao/1e6:.1f} vs {ap/1e6:.1f} MB | "
      f"rss {med(3, ours)/1024:.0f} vs {med(3, peer)/1024:.0f} MiB")
PY
}

same_qemu() { qemu-img compare -q -f raw -F "$2" "$1" "$3" || { echo "MISMATCH $3" >&2; exit 1; }; }

b1() {
  for f in f1 f1d f3; do
    pair "B1 raw->qcow2 $f" "$work/o.qcow2" "$work/p.qcow2" \
      -- "$kiln" convert "$work/$f.raw" "$work/o.qcow2" -f qcow2 \
      -- qemu-img convert -f raw -O qcow2 "$work/$f.raw" "$work/p.qcow2"
    qemu-img check -q "$work/o.qcow2"; same_qemu "$work/$f.raw" qcow2 "$work/o.qcow2"
  done
}

b2() {
  pair "B2 raw->vmdk stream F1" "$work/o.vmdk" "$work/p.vmdk" \
    -- "$kiln" convert "$work/f1.raw" "$work/o.vmdk" -f vmdk \
    -- qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/f1.raw" "$work/p.vmdk"
  qemu-img check -q "$work/o.vmdk"; same_qemu "$work/f1.raw" vmdk "$work/o.vmdk"
}

b3() {
  mkdir -p "$work/tar"
  for f in f1 f3; do
    ln -f "$work/$f.raw" "$work/tar/disk.raw"
    pair "B3 gcp tar.gz $f" "$work/o.tar.gz" "$work/p.tar.gz" \
      -- "$kiln" convert "$work/$f.raw" "$work/o.tar.gz" -f gcp \
      -- sh -c "cd '$work/tar' && tar --format=oldgnu -S --hole-detection=raw -cf - disk.raw | pigz -p2 -6 > '$work/p.tar.gz'"
    rm -f "$work/tar/disk.raw"
    (cd "$work/tar" && tar -xzSf "$work/o.tar.gz" && cmp disk.raw "$work/$f.raw" && rm disk.raw)
  done
}

b4() {
  pair "B4 raw->fixed vhd F1" "$work/o.vhd" "$work/p.vhd" \
    -- "$kiln" convert "$work/f1.raw" "$work/o.vhd" -f vhd \
    -- qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$work/f1.raw" "$work/p.vhd"
  same_qemu "$work/f1.raw" vpc "$work/o.vhd"
}

b8() {
  for spec in "qcow2 qcow2 qcow2" "vhd vpc subformat=fixed,force_size=on" "dynamic-vhd vpc subformat=dynamic,force_size=on" \
              "vmdk vmdk subformat=streamOptimized"; do
    set -- $spec
    pair "B8 64G empty -> $1" "$work/o.$1" "$work/p.$1" \
      -- "$kiln" convert "$work/f4.raw" "$work/o.$1" -f "$1" \
      -- qemu-img convert -f raw -O "$2" $( [ "$3" = qcow2 ] || echo "-o $3" ) "$work/f4.raw" "$work/p.$1"
  done
  ln -f "$work/f4.raw" "$work/disk.raw"
  pair "B8 64G empty -> gcp" "$work/o.gcp" "$work/p.gcp" \
    -- "$kiln" convert "$work/f4.raw" "$work/o.gcp" -f gcp \
    -- sh -c "cd '$work' && tar --format=oldgnu -S -cf - disk.raw | pigz -p2 -6 > '$work/p.gcp'"
  echo "B8 in-process (ms per run; first run includes class loading):"
  java -cp "$cp_classes" dev.kiln.disk.bench.DiskBench "$work/f4.raw" "$work" 3 \
    raw qcow2 vhd dynamic-vhd vmdk ova gcp | sed 's/^/  /'
}

# The same conversions in one JVM (no start-up): wall and CPU per run, to set beside the peers' figures above.
inproc() {
  echo "In-process (DiskBench: format run wall-ms cpu-ms bytes; run 0 includes class loading and JIT):"
  for f in f1 f1d f3; do
    echo "  $f:"
    java -cp "$cp_classes" dev.kiln.disk.bench.DiskBench "$work/$f.raw" "$work" 4 qcow2 vhd | sed 's/^/    /'
  done
  echo "  f1:"
  java -cp "$cp_classes" dev.kiln.disk.bench.DiskBench "$work/f1.raw" "$work" 2 vmdk gcp | sed 's/^/    /'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; pairs=$pairs"
hold_page_reporting
fixtures
cases=${*:-b1 b2 b3 b4 b8 inproc}
for c in $cases; do "$c"; done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
