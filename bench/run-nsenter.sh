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
. "$bench/cold-cli.sh"

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

cold_header nsenter nsenter "$root/core/target/jns.aot"
echo "| jns nsenter -t PID -a true (median) | util-linux nsenter (median) | ratio |"
echo "|---|---|---|"
cold_compare nsenter "" "$root/jns nsenter -t $target -a true" "nsenter -t $target -a true"
