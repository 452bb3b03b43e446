#!/usr/bin/env bash
# Whole-process cost of `jns netns` subcommands next to `ip netns` (as root): N runs each of
# list (3 named namespaces, one with an id), add+delete, and identify, alternating tools;
# prints median wall ms per command. Usage: bench/run-netns-cli.sh [N] (default 20).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
n=${1:-20}
"$root/jns" --help >/dev/null   # build first

for i in 1 2 3; do ip netns add "jnscli-$i"; done
ip netns set jnscli-1 7
trap 'for i in 1 2 3; do ip netns delete "jnscli-$i" 2>/dev/null || true; done' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

run() { # label, then the two command lines as strings
  local label=$1 jcmd=$2 icmd=$3 j=() k=()
  for _ in $(seq "$n"); do
    j+=("$(ms sh -c "$jcmd")"); k+=("$(ms sh -c "$icmd")")
  done
  printf '%-22s jns %5s ms   ip %5s ms\n' "$label" "$(printf '%s\n' "${j[@]}" | median)" "$(printf '%s\n' "${k[@]}" | median)"
}

run "netns list" "$root/jns netns list" "ip netns list"
run "netns add + delete" "$root/jns netns add jnscli-x && $root/jns netns delete jnscli-x" \
    "ip netns add jnscli-x && ip netns delete jnscli-x"
run "netns identify" "$root/jns netns identify" "ip netns identify"
