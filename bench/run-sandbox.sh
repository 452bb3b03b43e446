#!/usr/bin/env bash
# jns run / dev.jns.sandbox.Sandbox beside bubblewrap 0.11.1 (the oracle), as root:
#  1. from one warm JVM, round by round: Sandbox running `true` in bwrap's usual setup, the
#     same with ContainerProfile's seccomp filter, and bwrap spawned by ProcessBuilder with the
#     same arguments (and the same filter by --seccomp FD); peak RSS of jns's helper and bwrap's
#     (bench/SandboxInterleaved.java);
#  2. whole process, cold: `./jns run ... true` beside bwrap and `java -Xshare:auto -version`.
# Results: bench/SANDBOX-RESULTS.md.   Usage: bench/run-sandbox.sh [ROUNDS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-200}
runs=${2:-30}
. "$here/tools/jdk.sh"
bwrap=$("$here/../../shared/oracles/build" bubblewrap 2>/dev/null || /work/shared/oracles/build bubblewrap)/bwrap
args=(--unshare-all --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev)
echo "== machine: $(nproc) cores, $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== warm JVM"
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/core/target/jns.jar" "$here/bench/SandboxInterleaved.java" "$bwrap" "$rounds"
echo "== cold, whole process"
"$here/jns" run "${args[@]}" true # builds if needed
hyperfine -N -w 3 -r "$runs" "$here/jns run ${args[*]} true" "$bwrap ${args[*]} true" "$jdk/bin/java -Xshare:auto -version"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
