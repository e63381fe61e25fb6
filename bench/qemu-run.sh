#!/usr/bin/env bash
# B-run-qemu: `kiln run qemu` against qemu started the way `linuxkit run qemu` starts it (LinuxKit
# execs qemu with the console on stdio; its own cost is negligible), interleaved, RUNS times each.
# Guest: the host's Debian kernel and a busybox initrd that prints a line and powers off (TCG).
# Reports wall and CPU seconds per run and the ratios kiln / qemu. Needs: a built kiln (./kiln),
# qemu-system-x86, busybox-static, cpio, linux-image-amd64, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

kernel=$(ls /boot/vmlinuz-* | sort | tail -1)
mkdir -p "$work/root/bin" "$work/root/proc"
cp /bin/busybox "$work/root/bin/"
printf '#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\n/bin/busybox echo bench-marker\n/bin/busybox poweroff -f\n' \
  > "$work/root/init"
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$work/guest-initrd.img")
cp "$kernel" "$work/guest-kernel"
cmdline="console=ttyS0 quiet panic=-1"
echo "$cmdline" > "$work/guest-cmdline"

measure() { # label, command...: appends "label wall cpu" to $work/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S" -a -o "$work/times" "$@" > "$work/out" 2>&1
  grep -q bench-marker "$work/out" "$work"/guest-state/console.log 2>/dev/null || { echo "no marker from $label"; exit 1; }
}

for i in $(seq "$RUNS"); do
  measure kiln ./kiln run qemu "$work/guest" --mem 256 --networking none --console plain
  measure qemu qemu-system-x86_64 -machine q35 -accel tcg -smp 1 -m 256 -device virtio-rng-pci \
    -kernel "$work/guest-kernel" -initrd "$work/guest-initrd.img" -append "$cmdline" \
    -nic none -nographic
done

awk '{ wall[$1] += $2; cpu[$1] += $3 + $4; n[$1]++ }
  END {
    for (k in n) printf "%-5s wall %6.2f s  cpu %6.2f s  (mean of %d)\n", k, wall[k]/n[k], cpu[k]/n[k], n[k]
    printf "ratio kiln/qemu: wall %.2f  cpu %.2f\n", wall["kiln"]/wall["qemu"], cpu["kiln"]/cpu["qemu"]
  }' "$work/times"
