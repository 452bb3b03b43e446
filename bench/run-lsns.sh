#!/usr/bin/env bash
# Whole-process benchmark: `./jns lsns` (cold JVM, AOT cache) against util-linux `lsns`,
# default columns and -J, at the machine's normal load and then with LOAD_GROUPS x
# LOAD_PER_GROUP extra processes in LOAD_GROUPS extra namespaces (bench/fanout.c), which
# this script starts and removes itself. Prints medians and ratios; the raw hyperfine
# results land in bench/target/.
#
#   bench/run-lsns.sh            # normal load and 5,000 processes in 1,000 namespaces
#   RUNS=10 LOAD_RUNS=3 bench/run-lsns.sh
#   LOAD_GROUPS=0 bench/run-lsns.sh    # normal load only
#   RT=1 bench/run-lsns.sh             # measured commands at real-time priority (chrt -f 10):
#                                      # what they cost when other work cannot take the CPU
#
# Needs root for the load (it creates user, pid, net... namespaces). Takes 1-2 minutes
# and keeps both cores busy: other people on the machine will notice.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
out="$bench/target"
RUNS=${RUNS:-20} LOAD_RUNS=${LOAD_RUNS:-5} RT=${RT:-0}
LOAD_GROUPS=${LOAD_GROUPS:-1000} LOAD_PER_GROUP=${LOAD_PER_GROUP:-5}
mkdir -p "$out"
. "$root/tools/jdk.sh"

if ! command -v hyperfine >/dev/null; then
  apt-get update -q && apt-get install -y -q hyperfine
fi
gcc -O2 -Wall -Wextra -Werror -o "$out/fanout" "$bench/fanout.c"
"$root/jns" --help >/dev/null            # builds the jar and the AOT cache if needed
[ -f "$root/core/target/jns.aot" ] || { echo "run-lsns: no AOT cache in target/: the build did not train one" >&2; exit 1; }

count_processes() { local n=0 d; for d in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"; }

machine_notes() {
  echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
  echo "- kernel: $(uname -r)"
  echo "- JDK: $("$jdk/bin/java" -version 2>&1 | sed -n 2p)"
  echo "- util-linux: $(lsns --version)"
  echo "- processes: $(count_processes), namespaces (util-linux lsns rows): $(lsns -n | wc -l), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  # jns describes namespaces no process is in through ioctls, and the first FFM call costs
  # tens of milliseconds of start-up: say whether this run paid it.
  echo "- namespaces without processes (held by a bind mount or fd; jns uses FFM for them): $("$root/jns" lsns -n -o NPROCS | grep -cx ' *0' || true)"
}

# Runs the four commands through hyperfine; prints one table row per command pair.
measure() {
  local label=$1 runs=$2 warmup=$3 csv="$out/lsns-$1.csv"
  local prio=()
  [ "$RT" = 1 ] && prio=(chrt -f 10)
  "${prio[@]}" hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-csv "$csv" \
    --command-name "jns lsns" "$root/jns lsns" \
    --command-name "lsns" "lsns" \
    --command-name "jns lsns -J" "$root/jns lsns -J" \
    --command-name "lsns -J" "lsns -J" >"$out/lsns-$label.log" 2>&1
  # CSV: command,mean,stddev,median,user,system,min,max (seconds); user and system are means.
  awk -F, -v label="$label" 'NR > 1 { med[NR - 1] = $4 * 1000; cpu[NR - 1] = ($5 + $6) * 1000 }
    END {
      printf "| %s | default columns | %.0f ms (cpu %.0f) | %.0f ms (cpu %.0f) | %.2f |\n", label, med[1], cpu[1], med[2], cpu[2], med[1] / med[2]
      printf "| %s | -J | %.0f ms (cpu %.0f) | %.0f ms (cpu %.0f) | %.2f |\n", label, med[3], cpu[3], med[4], cpu[4], med[3] / med[4]
    }' "$csv"
}

echo "## lsns benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$RT" = 1 ] && echo ', real-time priority')"
echo
machine_notes
echo
echo "| load | output | jns lsns: median wall (mean cpu) | util-linux lsns: median wall (mean cpu) | ratio of medians jns/util-linux |"
echo "|---|---|---|---|---|"
measure normal "$RUNS" 3

[ "$LOAD_GROUPS" -gt 0 ] || exit 0

fanout_pid=""
stop_fanout() {
  [ -n "$fanout_pid" ] || return 0
  kill -TERM "$fanout_pid" 2>/dev/null || true
  wait "$fanout_pid" 2>/dev/null || true
  fanout_pid=""
}
trap stop_fanout EXIT
trap 'stop_fanout; exit 130' INT TERM

before=$(count_processes)
"$out/fanout" "$LOAD_GROUPS" "$LOAD_PER_GROUP" >"$out/fanout.out" &
fanout_pid=$!
until grep -q ready "$out/fanout.out"; do
  kill -0 "$fanout_pid" 2>/dev/null || { echo "run-lsns: fanout failed to start" >&2; exit 1; }
  sleep 0.2
done
label="+$((LOAD_GROUPS * LOAD_PER_GROUP))procs"
measure "$label" "$LOAD_RUNS" 1
echo
echo "With the load: $(count_processes) processes, $(lsns -n | wc -l) namespaces (util-linux lsns rows)."
stop_fanout

# Nothing left behind: the fanout reaped every process it started before exiting.
left=$(pgrep -c -x fanout || true)
[ "$left" -eq 0 ] || { echo "run-lsns: $left fanout processes left" >&2; exit 1; }
echo "After the load: $(count_processes) processes (before: $before); no fanout process left."
