#!/usr/bin/env bash
# jns oci beside runc and crun, as root, every runtime under the same conditions in one run:
#  1. create + start + state + delete of a busybox bundle running `true`, whole process (each
#     verb a new process), interleaved run by run (bench/interleave.py); each verb's own wall
#     time is logged by the cycle script, for a per-verb breakdown;
#  2. the same container driven by containerd: `ctr run --rm` of a locally built busybox
#     image, with runc and with jns oci as the runc shim's binary (a private containerd).
# All of it runs in a private mount namespace where the cgroup2 mount at
# /sys/fs/cgroup/unified is unmounted: crun 1.8.1 fails to create while it is visible (see
# /work/shared/oracles/README*), and runc and jns get the same view so that all three do
# the same cgroup work (v1 controllers only).
# Results: bench/OCI-RESULTS.md.   Usage: bench/run-oci.sh [RUNS] [CTR_RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-20}
ctr_runs=${2:-15}
if [ -z "${JNS_BENCH_PRIVATE:-}" ]; then
  exec unshare -m --propagation private env JNS_BENCH_PRIVATE=1 "$0" "$@"
fi
! mountpoint -q /sys/fs/cgroup/unified || umount -l /sys/fs/cgroup/unified
load() { echo "== load $1: $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(uname -r); runc $(runc --version | sed -n 's/^runc version //p'), $(crun --version | head -1), $(containerd --version | cut -d' ' -f3)"
caches=used
for c in jns-oci jns-oci-create jns-oci-start jns-oci-state jns-oci-kill jns-oci-delete; do
  [ "$here/core/target/$c.aot" -nt "$here/core/target/jns.jar" ] || caches="MISSING or stale ($c.aot)"
done
echo "== AOT caches for jns oci (one per verb): $caches"
work=$(mktemp -d /tmp/jns-bench-oci.XXXXXX)
ctrd=
cleanup() {
  set +e
  if [ -n "$ctrd" ]; then kill "$ctrd" 2>/dev/null; wait "$ctrd" 2>/dev/null || true; fi
  rm -rf "$work"
  # With the cgroup2 mount hidden, crun makes its "v2" cgroup as a plain directory with a
  # cgroup.procs file in the tmpfs beneath (/sys/fs/cgroup/unified here): removed like a file.
  rm -rf /sys/fs/cgroup/unified/jns-bench-$$
  for d in /sys/fs/cgroup/*/jns-bench-$$; do
    if [ -d "$d" ]; then find "$d" -depth -type d -exec rmdir {} +; fi
  done
  if [ -e "$work.shim-made" ]; then rm -rf /run/containerd/runc/jns-bench "$work.shim-made"; fi
}
trap cleanup EXIT
busybox=$(command -v busybox)

# The bundle: busybox as /bin/*, runc's default config running `true`.
mkdir -p "$work/bundle/rootfs/bin"
cp "$busybox" "$work/bundle/rootfs/bin/busybox"
for t in true sh; do ln -s busybox "$work/bundle/rootfs/bin/$t"; done
# runc's default config: crun 1.8.1 refuses the ociVersion 1.2.0 that `jns oci spec` writes.
(cd "$work/bundle" && runc spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' "$work/bundle/config.json"
grep -q '"true"' "$work/bundle/config.json"

# One cycle: RUNTIME create, start, (the process exits; watched through /proc/PID/stat, no verb),
# state (must say stopped), delete. Appends "verb microseconds" lines to $work/verbs-NAME.
cat > "$work/cycle" <<'CYCLE'
#!/bin/bash
set -e
rt=$1 log=$2 bundle=$3 root=$4 id=$5
# CPU: this shell's cutime + cstime (fields 16, 17 of /proc/PID/stat, clock ticks), i.e. what
# the verb and its waited-for children used.
cpu() { local f; read -ra f < /proc/$$/stat; echo $(( f[15] + f[16] )); }
t() {
  local s=$EPOCHREALTIME c; c=$(cpu); "$@"; local e=$EPOCHREALTIME
  echo "$4 $(( ${e/./} - ${s/./} )) $(( ($(cpu) - c) * 1000000 / $(getconf CLK_TCK) ))" >> "$log"
}
t "$rt" --root "$root" create --bundle "$bundle" --pid-file "$root.pid" "$id" > /dev/null
pid=$(< "$root.pid")
t "$rt" --root "$root" start "$id"
# Gone, or a zombie: runc's and crun's init is reparented to the machine's pid 1, which may be
# slow to reap; every runtime's `state` reports a zombie as stopped.
while read -r _ _ st _ < /proc/$pid/stat 2>/dev/null && [ "$st" != Z ]; do sleep 0.002; done
s=$EPOCHREALTIME c=$(cpu); out=$("$rt" --root "$root" state "$id"); e=$EPOCHREALTIME
echo "state $(( ${e/./} - ${s/./} )) $(( ($(cpu) - c) * 1000000 / $(getconf CLK_TCK) ))" >> "$log"
case $out in *'"stopped"'*) ;; *) echo "not stopped: $out" >&2; exit 1 ;; esac
t "$rt" --root "$root" delete "$id"
CYCLE
chmod +x "$work/cycle"
names=(jns-oci runc crun)
paths=("$here/jns-oci" "$(command -v runc)" "$(command -v crun)")
cmds=()
for i in 0 1 2; do
  "$work/cycle" "${paths[$i]}" /dev/null "$work/bundle" "$work/state-${names[$i]}" "jns-bench-$$" || { echo "${names[$i]}: the cycle fails" >&2; exit 1; }
  cmds+=(-n "${names[$i]}=$work/cycle ${paths[$i]} $work/verbs-${names[$i]} $work/bundle $work/state-${names[$i]} jns-bench-$$")
done
load before
echo "== create + start + state + delete, whole process ($runs interleaved runs)"
"$here/bench/interleave.py" -r "$runs" -w 3 -b runc "${cmds[@]}"
load after
echo "== per verb (median wall time, and mean CPU, of the same runs, warm-ups included, ms)"
printf '| verb |'; for n in "${names[@]}"; do printf ' %s |' "$n"; done; printf ' jns / runc (wall) | jns / runc (CPU) |\n|---|---|---|---|---|---|\n'
for v in create start state delete; do
  printf '| %s |' "$v"
  meds=() cpus=()
  for n in "${names[@]}"; do
    m=$(awk -v v=$v '$1 == v { print $2 / 1000 }' "$work/verbs-$n" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    c=$(awk -v v=$v '$1 == v { s += $3; n++ } END { print s / n / 1000 }' "$work/verbs-$n")
    meds+=("$m") cpus+=("$c"); printf ' %.1f (CPU %.0f) |' "$m" "$c"
  done
  awk -v a="${meds[0]}" -v b="${meds[1]}" -v c="${cpus[0]}" -v d="${cpus[1]}" 'BEGIN { printf " %.2fx | %.2fx |\n", a / b, c / d }'
done

# containerd: a private one (config, root, state, socket under $work), as ContainerdEndToEndTest.
echo "== containerd: ctr run --rm busybox true ($ctr_runs interleaved runs)"
[ -e /run/containerd/runc/jns-bench ] || touch "$work.shim-made"
cat > "$work/config.toml" <<TOML
version = 2
root = "$work/ctrd/root"
state = "$work/ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$work/ctrd.sock"
[ttrpc]
  address = "$work/ctrd.sock.ttrpc"
[debug]
  address = "$work/ctrd-debug.sock"
[metrics]
  address = ""
TOML
containerd --config "$work/config.toml" < /dev/null > "$work/containerd.log" 2>&1 &
ctrd=$!
for _ in $(seq 200); do [ -S "$work/ctrd.sock" ] && break; sleep 0.05; done
[ -S "$work/ctrd.sock" ] || { cat "$work/containerd.log"; exit 1; }
# The image: one layer (busybox, its links, mount points) in an OCI layout tar.
img=$work/image; mkdir -p "$img/blobs/sha256" "$work/irootfs/bin"
cp "$busybox" "$work/irootfs/bin/busybox"; for t in true sh; do ln -s busybox "$work/irootfs/bin/$t"; done
mkdir -p "$work/irootfs/"{tmp,proc,sys,dev,etc}
tar --numeric-owner --owner=0 --group=0 -C "$work/irootfs" -cf "$work/layer.tar" .
blob() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$img/blobs/sha256/$d"; echo "$d"; }
ld=$(blob "$work/layer.tar")
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$ld" > "$work/iconfig"
cd=$(blob "$work/iconfig")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
  "$cd" "$(stat -c %s "$work/iconfig")" "$ld" "$(stat -c %s "$work/layer.tar")" > "$work/manifest"
md=$(blob "$work/manifest")
echo '{"imageLayoutVersion":"1.0.0"}' > "$img/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"jns.bench/busybox:1","org.opencontainers.image.ref.name":"1"}}]}' \
  "$md" "$(stat -c %s "$work/manifest")" > "$img/index.json"
tar -C "$img" -cf "$work/image.tar" oci-layout index.json blobs
ctr=(ctr --address "$work/ctrd.sock" --namespace jns-bench)
"${ctr[@]}" images import --snapshotter native --base-name jns.bench/busybox "$work/image.tar" > /dev/null
ccmds=()
for i in 0 1 2; do
  c="${ctr[*]} run --rm --snapshotter native --runc-binary ${paths[$i]} --cgroup /jns-bench-$$/${names[$i]} jns.bench/busybox:1 b-${names[$i]} true"
  $c > /dev/null || { echo "ctr run with ${names[$i]} fails" >&2; exit 1; }
  ccmds+=(-n "ctr run --rm, ${names[$i]}=$c")
done
load before
"$here/bench/interleave.py" -r "$ctr_runs" -w 2 -b "ctr run --rm, runc" "${ccmds[@]}"
load after
# Which verbs the runc shim runs for one `ctr run --rm`: each is a whole process, so for jns a JVM.
echo "== verbs the shim runs per ctr run --rm"
for i in 0 1 2; do
  # The verb: the first argument that is neither an option nor an option's value.
  printf '#!/bin/sh\nv=\nfor a; do case $v$a in --root|--log|--log-format|--criu) v=-;; -*) v=;; *) echo "$a" >> %s; break;; esac; done\nexec %s "$@"\n' \
    "$work/verbs-ctr-${names[$i]}" "${paths[$i]}" > "$work/logging-${names[$i]}"
  chmod +x "$work/logging-${names[$i]}"
  "${ctr[@]}" run --rm --snapshotter native --runc-binary "$work/logging-${names[$i]}" --cgroup "/jns-bench-$$/${names[$i]}" \
    jns.bench/busybox:1 "b-${names[$i]}" true > /dev/null
  echo "${names[$i]}: $(tr '\n' ' ' < "$work/verbs-ctr-${names[$i]}")"
done
trap - EXIT
cleanup
left=$(ls -d /sys/fs/cgroup/*/jns-bench-$$ /run/containerd/runc/jns-bench "$work" 2>/dev/null || true)
[ -z "$left" ] || echo "== left behind: $left"
