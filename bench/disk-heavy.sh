#!/usr/bin/env bash
# B1 raw->qcow2 and B4 raw->fixed VHD on a data-heavy fixture (issue 13): 8 GiB with 3 GiB of
# incompressible data in 32 scattered 96 MiB runs, where the JVM's start is small against the work.
# Each pair runs kiln and qemu-img alternately (who goes first alternates too), cold (page cache dropped
# before each run: sync; echo 3 > /proc/sys/vm/drop_caches, needs root) and warm (input read once
# before); every run starts with no dirty pages (sync, untimed); the median wall and CPU (user+sys) of both and the median of per-pair ratios are printed.
# Every output is checked with qemu-img compare before its timings count.
# Usage: bench/disk-heavy.sh [b1|b4|inproc ...]   PAIRS=N (default 5), WORK=DIR (default a folder under /var/tmp)
# Needs: qemu-utils, python3, root for the cold runs; build first: ./mvnw -q -o package -DskipTests
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${PAIRS:-5}
work=${WORK:-$(mktemp -d /var/tmp/kiln-heavy.XXXXXX)}
. "$root/bench/lib.sh"
trap 'rm -f "$work"/o.* "$work"/p.*; release_page_reporting' EXIT
kiln="$root/kiln"
[ -d "$root/cli/target/kiln/lib" ] || { echo "build first: ./mvnw -q -o package -DskipTests" >&2; exit 1; }
cases=("$@"); [ ${#cases[@]} -gt 0 ] || cases=(b1 b4)
can_drop=0; [ -w /proc/sys/vm/drop_caches ] && can_drop=1

fixture() {
  local f=$work/f8.raw
  if [ ! -f "$f" ]; then
    make_f8 "$f"   # bench/lib.sh: 32 runs of 96 MiB of random bytes, one every 256 MiB
  fi
  echo "fixture: $f, $(du -m "$f" | cut -f1) MiB allocated of 8 GiB"
}

drop() { sync; [ $can_drop -eq 1 ] && echo 3 > /proc/sys/vm/drop_caches; return 0; }

# one MODE LABEL OUT CMD...: appends "LABEL wall cpu rss" to $work/times
one() {
  local mode=$1 label=$2 out=$3; shift 3
  # the previous output goes and its dirty pages are written back before the clock starts, in both modes,
  # so no run pays for the one before it
  rm -f "$out"; sync
  if [ "$mode" = cold ]; then drop; else cat "$work/f8.raw" > /dev/null; fi
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys rss < "$work/t"
  echo "$label $wall $(python3 -c "print(round($user+$sys,2))") $rss" >> "$work/times"
}

# pair CASE FORMAT(qemu-img name) -- KILN_CMD... -- PEER_CMD...
bench() {
  local case=$1 fmt=$2; shift 2
  local ours=() peer=() side=0
  for a in "$@"; do
    if [ "$a" = "--" ]; then side=$((side + 1)); continue; fi
    if [ $side -eq 1 ]; then ours+=("$a"); else peer+=("$a"); fi
  done
  # untimed, once each: the pages both tools write into are then backed by the host (bench/lib.sh)
  rm -f "$work/o.$fmt" "$work/p.$fmt"; "${ours[@]}" > /dev/null 2>&1; "${peer[@]}" > /dev/null 2>&1
  for mode in cold warm; do
    if [ "$mode" = cold ] && [ $can_drop -eq 0 ]; then echo "$case cold: skipped (not root: cannot drop caches)"; continue; fi
    : > "$work/times"
    for i in $(seq "$pairs"); do
      if [ $((i % 2)) -eq 1 ]; then
        one "$mode" ours "$work/o.$fmt" "${ours[@]}"; one "$mode" peer "$work/p.$fmt" "${peer[@]}"
      else
        one "$mode" peer "$work/p.$fmt" "${peer[@]}"; one "$mode" ours "$work/o.$fmt" "${ours[@]}"
      fi
    done
    qemu-img compare -q -f raw -F "$fmt" "$work/f8.raw" "$work/o.$fmt" || { echo "MISMATCH $case" >&2; exit 1; }
    python3 - "$case $mode" "$work/times" <<'PY'
import statistics, sys
case, path = sys.argv[1], sys.argv[2]
rows = [l.split() for l in open(path)]
ours = [r for r in rows if r[0] == 'ours']; peer = [r for r in rows if r[0] == 'peer']
def med(i, rs): return statistics.median(float(r[i]) for r in rs)
wr = statistics.median(float(o[1]) / max(float(p[1]), 0.01) for o, p in zip(ours, peer))
cr = statistics.median(float(o[2]) / max(float(p[2]), 0.01) for o, p in zip(ours, peer))
print(f"{case:24s} kiln {med(1, ours):6.2f} s wall {med(2, ours):5.2f} s cpu | qemu-img {med(1, peer):6.2f} s wall "
      f"{med(2, peer):5.2f} s cpu | wall ratio {wr:4.2f} cpu ratio {cr:4.2f} | rss {med(3, ours)/1024:.0f} vs "
      f"{med(3, peer)/1024:.0f} MiB | walls kiln {' '.join(r[1] for r in ours)} qemu-img {' '.join(r[1] for r in peer)}")
PY
  done
}

# inproc: the same conversions inside one JVM (kiln's DiskBench, runs 1-4 after a first that loads and compiles),
# warm and synced before each run like the CLI runs, then qemu-img 4 times the same way: the conversion without
# the JVM's start
inproc() {
  local cp="$root/cli/target/kiln/lib/*:$root/image-build/target/test-classes"
  [ -d "$root/image-build/target/test-classes/dev/kiln/disk/bench" ] || { echo "build first" >&2; exit 1; }
  cat "$work/f8.raw" > /dev/null
  echo "in-process kiln (format run wall-ms cpu-ms bytes; run 0 includes class loading and JIT):"
  java -Dsync=true -cp "$cp" dev.kiln.disk.bench.DiskBench "$work/f8.raw" "$work" 5 qcow2 vhd | sed 's/^/  /'
  for fmt in qcow2 vpc; do
    for i in 1 2 3 4; do
      rm -f "$work/p.$fmt"; sync
      if [ "$fmt" = vpc ]; then opts=(-o subformat=fixed,force_size=on); else opts=(); fi
      /usr/bin/time -f "  qemu-img $fmt $i %e s wall %U u %S s" qemu-img convert -f raw -O "$fmt" "${opts[@]}" \
        "$work/f8.raw" "$work/p.$fmt"
    done
  done
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(qemu-img --version | head -1)"
hold_page_reporting
fixture
for c in "${cases[@]}"; do
  case $c in
    b1) bench "B1 raw->qcow2 F8" qcow2 -- "$kiln" convert "$work/f8.raw" "$work/o.qcow2" -f qcow2 \
          -- qemu-img convert -f raw -O qcow2 "$work/f8.raw" "$work/p.qcow2" ;;
    b4) bench "B4 raw->fixed VHD F8" vpc -- "$kiln" convert "$work/f8.raw" "$work/o.vpc" -f vhd \
          -- qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$work/f8.raw" "$work/p.vpc" ;;
    inproc) inproc ;;
    *) echo "unknown case $c (b1, b4, inproc)" >&2; exit 2 ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); fixture kept in $work (delete it when done)"
