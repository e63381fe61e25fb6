#!/bin/sh
# Root filesystem build benchmark: a 5-image config (kernel, init, onboot, two services) built
# from layer tars on local disk, at two image sizes, with a small fixed heap. Prints wall time
# and peak RSS for each size; memory should stay flat while the image grows tenfold.
# Usage: bench/rootfs/run.sh [small-MiB] [large-MiB]   (per image; defaults 20 and 200)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${BENCH_DIR:-$(mktemp -d)}
small=${1:-20}
large=${2:-200}

cd "$repo"
./mvnw -q -o -pl image-build -am package -DskipTests
./mvnw -q -o -pl image-build dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
cp="$repo/image-build/target/classes:$(cat "$work/cp.txt")"

# one image: N MiB of incompressible files (1 MiB each) plus a few hundred small ones
make_image() { # name MiB
    d="$work/tree-$1"; rm -rf "$d"; mkdir -p "$d/data" "$d/etc" "$d/bin"
    i=0; while [ $i -lt "$2" ]; do head -c 1048576 /dev/urandom > "$d/data/blob$i"; i=$((i+1)); done
    i=0; while [ $i -lt 300 ]; do echo "config $i" > "$d/etc/file$i.conf"; i=$((i+1)); done
    echo '#!/bin/sh' > "$d/bin/init"; chmod 755 "$d/bin/init"
    if [ "$1" = kernel ]; then
        head -c 8388608 /dev/urandom > "$d/kernel"
        mkdir -p "$d/m/lib/modules"; cp -r "$d/data" "$d/m/lib/modules/"; tar -C "$d/m" -cf "$d/kernel.tar" lib
        rm -rf "$d/data" "$d/m"
    fi
    tar -C "$d" -cf "$work/layers/$1_1.tar" .
    rm -rf "$d"
}

cat > "$work/bench.yml" <<'YML'
kernel: {image: "kernel:1", cmdline: "console=ttyS0"}
init: ["init:1"]
onboot: [{name: one, image: "one:1"}]
services:
  - {name: two, image: "two:1"}
  - {name: three, image: "three:1", readonly: true}
YML

for size in "$small" "$large"; do
    rm -rf "$work/layers" "$work/out"; mkdir -p "$work/layers" "$work/out"
    for image in kernel init one two three; do make_image "$image" "$size"; done
    echo "== 5 images of ~$size MiB each (-Xmx128m)"
    java -Xmx128m -cp "$cp" "$here/RootfsBench.java" "$work/bench.yml" "$work/layers" "$work/out"
    # reference for the dominant step (the initrd is the gzip of about the same bytes)
    /usr/bin/time -f "   reference: gzip -6 of the same rootfs tar: %e s, peak RSS %M kB" \
        gzip -6 -c "$work/out/bench.tar" > /dev/null
done
rm -rf "$work/layers" "$work/out"
