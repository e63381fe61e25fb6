#!/usr/bin/env bash
# kiln's quick start: build kiln, pack a kernel and a tiny init from this machine into kiln's
# cache, build examples/hello.yml and boot it in qemu. Works offline once the Debian packages
# below are installed (it installs missing ones when run as root or with sudo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

packages=(qemu-system-x86 qemu-utils ovmf systemd-boot-efi isolinux syslinux-common linux-image-amd64 busybox-static)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; else
    echo "quickstart: needs these Debian packages: ${missing[*]}" >&2
    echo "            install them with: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "quickstart: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "quickstart: building kiln"
./mvnw -q -B -ntp package -DskipTests

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KILN_CACHE="${KILN_CACHE:-$root/target/quickstart/cache}"
out="$root/target/quickstart"
mkdir -p "$out"

# The kernel image: LinuxKit's layout, 'kernel' plus 'kernel.tar' with the modules the init
# loads (and what they depend on, from modules.dep).
vmlinuz=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
kver=${vmlinuz#/boot/vmlinuz-}
moddir=/lib/modules/$kver
mkdir -p "$work/kernel"
cp "$vmlinuz" "$work/kernel/kernel"
wanted="ata_piix ahci sr_mod virtio_blk virtio_pci virtio_net isofs"
files=$(for m in $wanted; do
  grep -E "/$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | tr -d ':' | tr ' ' '\n'
done | sort -u | sed "s|^|lib/modules/$kver/|")
tar -C / -cf "$work/kernel/kernel.tar" "lib/modules/$kver/modules.dep" $files
./kiln -q cache pack "$work/kernel" --ref kiln.local/hello-kernel:host

# The init image: busybox and the /init script.
mkdir -p "$work/init/bin"
cp /bin/busybox "$work/init/bin/busybox"
cp examples/hello/init "$work/init/init"
./kiln -q cache pack "$work/init" --ref kiln.local/hello-init:1

# The metadata package: a POSIX shell program for the init's busybox that reads the userdata from
# the cidata CD `kiln run qemu` attaches, and from each cloud's metadata service or config drive.
./kiln -q cache pack examples/packages/metadata --ref kiln.local/metadata:1

echo "quickstart: building examples/hello.yml"
./kiln build examples/hello.yml --dir "$out" -f raw-efi
echo "quickstart: the example's images are in $KILN_CACHE; build it again with:"
echo "  KILN_CACHE=$KILN_CACHE ./kiln build examples/hello.yml -f raw-efi"
echo "quickstart: booting $out/hello-efi.img in qemu (Ctrl-C stops it)"
./kiln run qemu "$out/hello-efi.img" --userdata "hello from $(hostname)"
