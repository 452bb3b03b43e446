#!/usr/bin/env bash
# Whole-process benchmark: cold `jns nsenter -t PID -a true` against util-linux
# `nsenter -t PID -a true`, PID being a process in new user, mount, uts, ipc, net and pid
# namespaces (made by util-linux unshare). Prints medians and the ratio; hyperfine's raw
# results land in bench/target/.
#
#   bench/run-nsenter.sh
#   RUNS=50 bench/run-nsenter.sh
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
out="$bench/target"
RUNS=${RUNS:-30}
mkdir -p "$out"
. "$root/tools/jdk.sh"
command -v hyperfine >/dev/null || { apt-get update -q && apt-get install -y -q hyperfine; }
"$root/jns" --help >/dev/null            # builds the jar (and AOT cache, if the build trains one)

unshare -Urmuinpf sleep 3600 &
holder=$!
for _ in $(seq 100); do
  target=$(pgrep -P "$holder" -x sleep || true)
  [ -n "$target" ] && break
  sleep 0.05
done
# unshare -f ignores SIGTERM while its child runs, and the child is PID 1 of its pid
# namespace, which ignores it too: SIGKILL the child, and unshare follows.
trap 'kill -KILL "$target" 2>/dev/null; wait "$holder" 2>/dev/null || true' EXIT

echo "## nsenter benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; kernel $(uname -r)"
echo "- JDK: $("$jdk/bin/java" -version 2>&1 | sed -n 2p); util-linux: $(nsenter --version)"
echo "- AOT cache: $([ -f "$root/target/jns.aot" ] && echo yes || echo no); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
csv="$out/nsenter.csv"
(cd / && hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-csv "$csv" \
  --command-name jns "$root/jns nsenter -t $target -a true" \
  --command-name util-linux "nsenter -t $target -a true") >"$out/nsenter.log"
echo "| jns nsenter -t PID -a true (median) | util-linux nsenter (median) | ratio |"
echo "|---|---|---|"
awk -F, 'NR > 1 { med[NR - 1] = $4 * 1000 }
  END { printf "| %.1f ms | %.1f ms | %.0f |\n", med[1], med[2], med[1] / med[2] }' "$csv"
