#!/usr/bin/env bash
# Pull of a 5-image set from a loopback docker-registry: kiln cold cache vs warm cache, and
# skopeo (the peer: copies each image into an OCI layout) cold. Reports wall time and peak RSS
# (/usr/bin/time), plus RSS for the smallest vs the largest image alone, which shows memory does
# not grow with layer size (blobs are streamed to disk while hashed).
# Usage: bench/oci-pull.sh [ROUNDS]   (build kiln first: ./mvnw -q package -DskipTests)
set -euo pipefail
rounds=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
kiln="$here/kiln"
work=$(mktemp -d)
reg_pid=
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"; release_page_reporting; }
. "$here/bench/lib.sh"
trap cleanup EXIT
hold_page_reporting

start_registry "$work"
port=$reg_port

sizes=(4 8 16 32 64)   # MiB of incompressible data per image
refs=()
for i in "${!sizes[@]}"; do
  mkdir -p "$work/src$i"
  head -c $((sizes[i] << 20)) /dev/urandom >"$work/src$i/data"
  KILN_CACHE="$work/seed" "$kiln" -q cache pack "$work/src$i" --ref "bench.local/img$i:1" >/dev/null
  skopeo copy --quiet --dest-tls-verify=false "oci:$work/seed:bench.local/img$i:1" "docker://127.0.0.1:$port/bench/img$i:1"
  refs+=("127.0.0.1:$port/bench/img$i:1")
done

measure() { # label, command...: prints "label wall_s peak_rss_kib"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  echo "$label $(cat "$work/time")"
}
{ echo 'set -e'; for r in "${refs[@]}"; do
    echo "skopeo copy --quiet --src-tls-verify=false docker://$r oci:\$1:$r"; done; } >"$work/skopeo-all.sh"

for round in $(seq "$rounds"); do
  rm -rf "$work/cache" "$work/sk"
  measure kiln-cold env KILN_CACHE="$work/cache" "$kiln" -q cache pull "${refs[@]}"
  measure kiln-warm env KILN_CACHE="$work/cache" "$kiln" -q cache pull "${refs[@]}"
  measure skopeo-cold bash "$work/skopeo-all.sh" "$work/sk"
  rm -rf "$work/c1" "$work/c5"
  measure kiln-4MiB-alone env KILN_CACHE="$work/c1" "$kiln" -q cache pull "${refs[0]}"
  measure kiln-64MiB-alone env KILN_CACHE="$work/c5" "$kiln" -q cache pull "${refs[4]}"
done | awk '{ n[$1]++; t[$1]+=$2; if ($3>m[$1]) m[$1]=$3; order[$1]=NR }
  END { printf "%-18s %8s %14s\n", "case", "wall_s", "peak_rss_MiB";
        for (k in n) printf "%-18s %8.2f %14.0f\n", k, t[k]/n[k], m[k]/1024 }' | sort
