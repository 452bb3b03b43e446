#!/usr/bin/env bash
# jns run / dev.jns.sandbox.Sandbox beside bubblewrap 0.11.1 (the oracle), as root:
#  1. from one warm JVM, round by round: Sandbox running `true` in bwrap's usual setup, the
#     same with ContainerProfile's seccomp filter, and bwrap spawned by ProcessBuilder with the
#     same arguments (and the same filter by --seccomp FD); peak RSS of jns's helper and bwrap's
#     (bench/SandboxInterleaved.java);
#  2. whole process, cold, interleaved run by run (bench/interleave.py): `java -Xshare:auto
#     -version` (the JVM's floor), `./jns run ... true`, bwrap ... true.
# The issue's arguments plus `--symlink usr/lib /lib`: on Debian /lib64/ld-linux-x86-64.so.2
# is an absolute link into /lib, so without it neither bwrap nor jns can exec `true`.
# Results: bench/SANDBOX-RESULTS.md.   Usage: bench/run-sandbox.sh [ROUNDS] [RUNS] [WARMUP]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-200}
runs=${2:-30}
warmup=${3:-300}
. "$here/tools/jdk.sh"
bwrap=$(/work/shared/oracles/build bubblewrap 2>/dev/null)/bwrap
args=(--unshare-all --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev)
load() { echo "== load $1: $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(uname -r); $("$jdk/bin/java" -version 2>&1 | sed -n 2p)"
"$here/jns" run "${args[@]}" true # builds if needed
echo "== AOT cache for jns run: $([ "$here/core/target/jns-run.aot" -nt "$here/core/target/jns.jar" ] && echo used || echo MISSING or stale)"
load before
echo "== warm JVM ($rounds interleaved rounds after $warmup warm-up rounds)"
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/core/target/jns.jar" "$here/bench/SandboxInterleaved.java" "$bwrap" "$rounds" "$warmup"
load after
echo "== cold, whole process ($runs interleaved runs)"
"$here/bench/interleave.py" -r "$runs" -w 3 -n "java -Xshare:auto -version=$jdk/bin/java -Xshare:auto -version" \
  -n "./jns run ... true=$here/jns run ${args[*]} true" -n "bwrap ... true=$bwrap ${args[*]} true"
load after
