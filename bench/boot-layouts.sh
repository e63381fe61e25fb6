#!/bin/sh
# Boot layouts, kiln vs the usual tools, side by side: iso-bios (xorriso, isohybrid) and raw-efi
# (objcopy --add-section UKI as ukify does, mkfs.vfat, mcopy, sgdisk). Run from the repository
# root after ./mvnw -q -o -pl image-build -am package -DskipTests.
set -eu
CP=image-build/target/classes
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
KERNEL=$(ls /boot/vmlinuz-* | tail -1)
# a 64 MiB initrd-sized blob of incompressible data
head -c 67108864 /dev/urandom > "$W/initrd"
STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub

t() { /usr/bin/time -f "%e s wall %U+%S s cpu %M KiB" "$@" 2>&1 >/dev/null | tail -2 | tr "\n" " "; }

echo "== iso-bios"
mkdir -p "$W/k" "$W/x/isolinux"
echo "kiln:    $(t java -cp $CP bench/BootLayoutsBench.java iso-bios "$W/k" "$KERNEL" "$W/initrd")"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$W/x/isolinux/"
cp "$KERNEL" "$W/x/kernel"; cp "$W/initrd" "$W/x/initrd.img"
printf 'DEFAULT k\nLABEL k\n KERNEL /kernel\n APPEND initrd=/initrd.img console=ttyS0\n' > "$W/x/isolinux/isolinux.cfg"
echo "xorriso: $(t xorriso -as mkisofs -quiet -R -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
  -boot-load-size 4 -boot-info-table -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -o "$W/x.iso" "$W/x")"
ls -l "$W/k/bench.iso" "$W/x.iso" | awk '{print $5, $9}'

echo "== raw-efi"
echo "kiln:    $(t java -cp $CP bench/BootLayoutsBench.java raw-efi "$W/k" "$KERNEL" "$W/initrd")"
peer_efi() {
  printf 'console=ttyS0' > "$W/cmdline"; printf 'ID=kiln\n' > "$W/osrel"
  objcopy --add-section .osrel="$W/osrel" --change-section-vma .osrel=0x20000 \
    --add-section .cmdline="$W/cmdline" --change-section-vma .cmdline=0x30000 \
    --add-section .linux="$KERNEL" --change-section-vma .linux=0x2000000 \
    --add-section .initrd="$W/initrd" --change-section-vma .initrd=0x3000000 "$STUB" "$W/uki.efi"
  truncate -s 80M "$W/esp.img" && mkfs.vfat -F 32 -n EFI "$W/esp.img" >/dev/null
  mmd -i "$W/esp.img" ::/EFI ::/EFI/BOOT && mcopy -i "$W/esp.img" "$W/uki.efi" ::/EFI/BOOT/BOOTX64.EFI
  truncate -s 82M "$W/peer.img" && sgdisk -q -n 1:2048:+80M -t 1:EF00 "$W/peer.img"
  dd if="$W/esp.img" of="$W/peer.img" bs=1M seek=1 conv=notrunc,sparse status=none
}
start=$(date +%s.%N); peer_efi; end=$(date +%s.%N)
echo "peer:    $(echo "$end - $start" | bc) s wall (objcopy + mkfs.vfat + mcopy + sgdisk + dd)"
ls -l "$W/k/bench-efi.img" "$W/peer.img" | awk '{print $5, $9}'
