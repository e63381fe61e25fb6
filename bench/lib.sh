# Shared by the benchmark scripts; source it: . "$(dirname "$0")/lib.sh"

# make_f1 FILE: fixture F1, a 2 GiB ext4 filesystem holding the JDK, /usr/share/doc and perl (~430 MiB of files).
make_f1() {
  local file=$1 tree
  tree=$(mktemp -d "$(dirname "$file")/f1-tree.XXXXXX")
  cp -a /usr/lib/jvm/java-17-openjdk-amd64 /usr/share/doc "$tree/" 2>/dev/null || true
  cp -a /usr/lib/x86_64-linux-gnu/perl* "$tree/" 2>/dev/null || true
  rm -f "$file"
  truncate -s 2G "$file"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$tree" "$file"
  rm -rf "$tree"
}

# make_f8 FILE: fixture F8, an 8 GiB sparse raw disk holding 3 GiB of incompressible data in 32 runs of 96 MiB, one
# every 256 MiB (data-heavy: the work, not the JVM's start, dominates).
make_f8() {
  local file=$1 i
  rm -f "$file"
  truncate -s 8G "$file"
  for i in $(seq 0 31); do
    head -c $((96 * 1048576)) /dev/urandom | dd of="$file" bs=1M seek=$((i * 256 + 16)) conv=notrunc status=none
  done
}

# hold_page_reporting / release_page_reporting (call the latter from the script's EXIT trap).
# This VM hands freed memory back to its host (virtio-balloon free page reporting): a page the kernel takes
# from its free lists was often given back, and costs a fault on the host when first written. That made one
# conversion take 1.5 s or 17 s depending on how long memory had been free before the run, whichever tool ran.
# As root, reporting is held off while a benchmark runs (order 11 is above the largest free block, so nothing is
# reported) and restored after; run each tool once, untimed, first, and both then write into memory the host
# backs, as on a machine without a balloon. Without root it says that timings will swing.
page_reporting=/sys/module/page_reporting/parameters/page_reporting_order
saved_page_reporting=
hold_page_reporting() {
  if [ -w "$page_reporting" ]; then
    saved_page_reporting=$(cat "$page_reporting")
    echo 11 > "$page_reporting"
    # pages reported before now are still unbacked: write over the free memory once (through tmpfs) and free
    # it, so that every free page is backed while the benchmark runs
    local free_mib shm_mib fill start
    free_mib=$(awk '/^MemFree:/ {print int($2 / 1024)}' /proc/meminfo)
    shm_mib=$(df -m --output=avail /dev/shm 2>/dev/null | tail -1 | tr -d ' ')
    fill=$(( free_mib - 1024 )); [ -n "$shm_mib" ] && [ "$shm_mib" -lt "$fill" ] && fill=$shm_mib
    start=$(date +%s.%N)
    if [ "$fill" -gt 0 ] && dd if=/dev/zero of=/dev/shm/kiln-bench-fill bs=1M count="$fill" status=none 2>/dev/null; then :; fi
    rm -f /dev/shm/kiln-bench-fill
    echo "free page reporting held off for the run (page_reporting_order $saved_page_reporting -> 11, restored on" \
      "exit); $fill MiB of free memory backed in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
  elif [ -e "$page_reporting" ]; then
    echo "free page reporting stays on (needs root to hold off): timings swing with the host's paging" >&2
  fi
}
release_page_reporting() {
  if [ -n "$saved_page_reporting" ]; then echo "$saved_page_reporting" > "$page_reporting"; saved_page_reporting=; fi
}

# start_registry DIR: Debian's docker-registry on a free loopback port, storing under DIR; sets reg_port and
# reg_pid (kill "$reg_pid" in the script's EXIT trap) and returns once it answers /v2/.
start_registry() {
  local dir=$1
  reg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir"
  cat > "$dir/cfg.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/data}}
http: {addr: 127.0.0.1:$reg_port}
YML
  docker-registry serve "$dir/cfg.yml" > "$dir/registry.log" 2>&1 &
  reg_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$reg_port/v2/" > /dev/null && return 0; sleep 0.1; done
  echo "docker-registry did not answer on 127.0.0.1:$reg_port (see $dir/registry.log)" >&2
  return 1
}
