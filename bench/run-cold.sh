#!/usr/bin/env bash
# Cold start against the JVM's own floor, side by side in ONE hyperfine run (so machine
# load hits every command alike): `java -Xshare:auto -version` of the JDK 25 ./jns runs
# on, `./jns lsns`, `./jns unshare -r true` and `./jns nsenter -t PID -a true` (PID: a
# sleep this script starts). Prints each median and its ratio to the JVM floor, per round
# and the median over rounds, with the load average. Target: every ratio <= 1.75.
# As root (nsenter -a joins the sleep's namespaces, which are ours).
#
#   bench/run-cold.sh
#   RUNS=40 ROUNDS=3 bench/run-cold.sh
#   FLOORS=1 bench/run-cold.sh    # adds launcher floors: bash -c 'exec true' and with env -i
#   BASELINE=/tmp/jns-old bench/run-cold.sh   # adds another built checkout's three commands
#   INHERIT=1 bench/run-cold.sh   # keeps descriptors beyond 0-2 this shell inherited
#
# By default the descriptors beyond 0-2 that this script inherited (a CI runner's or an IDE's)
# are closed before the run, as in a terminal: jns unshare/nsenter hand every inherited one to
# the program (as util-linux does), which is a path of its own (pidfd_getfd, a unix socket,
# SCM_RIGHTS through FFM). INHERIT=1 measures that path.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
. "$bench/cold-cli.sh"
ROUNDS=${ROUNDS:-3}

if [ "${INHERIT:-0}" != 1 ]; then
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    case $fd in 0|1|2|255) continue ;; esac
    eval "exec $fd>&-" 2>/dev/null || true
  done
fi
sleep 3600 &
target=$!
trap 'kill "$target" 2>/dev/null || true' EXIT

names=(java-version lsns unshare-r nsenter-a)
cmds=("$jdk/bin/java -Xshare:auto -version"
      "$root/jns lsns"
      "$root/jns unshare -r true"
      "$root/jns nsenter -t $target -a true")
if [ -n "${BASELINE:-}" ]; then
  names+=(base-lsns base-unshare-r base-nsenter-a)
  cmds+=("$BASELINE/jns lsns" "$BASELINE/jns unshare -r true" "$BASELINE/jns nsenter -t $target -a true")
fi
if [ "${FLOORS:-0}" = 1 ]; then
  names+=(bash-exec-true bash-env-i-true)
  cmds+=("bash -c 'exec true'" "bash -c 'exec env -i -- true'")
fi

echo "## cold start vs. the JVM floor, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; kernel $(uname -r)"
echo "- JDK: $("$jdk/bin/java" -version 2>&1 | sed -n 2p)"
echo "- AOT cache: $([ -f "$root/core/target/jns.aot" ] && echo yes || echo no); $RUNS runs per command per round, 3 warm-ups"
echo "- inherited descriptors beyond 0-2: $([ "${INHERIT:-0}" = 1 ] && echo kept || echo closed)${BASELINE:+; baseline: $BASELINE}"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
hf_args=()
for i in "${!names[@]}"; do hf_args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done

header="| round | load | $(IFS='|'; for n in "${names[@]}"; do printf ' %s |' "$n"; done)"
echo "$header"
echo "|---|---|$(for _ in "${names[@]}"; do printf -- '---|'; done)"
for round in $(seq "$ROUNDS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  csv="$out/cold-$round.csv"
  (cd / && hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-csv "$csv" \
      "${hf_args[@]}") >"$out/cold-$round.log" 2>&1
  awk -F, -v round="$round" -v load="$load" 'NR > 1 { med[NR - 1] = $4 * 1000; n = NR - 1 }
    END { printf "| %s | %s |", round, load
          for (i = 1; i <= n; i++) {
            if (i == 1) printf " %.1f ms |", med[i]
            else printf " %.1f ms (%.2f×) |", med[i], med[i] / med[1]
          }
          printf "\n" }' "$csv" | tee -a "$out/cold-rows.txt.$$"
done
# The median ratio over the rounds, per command.
awk -F'|' '{ for (i = 5; i < NF; i++) { if (match($i, /\(([0-9.]+)×\)/)) {
               r[i, ++c[i]] = substr($i, RSTART + 1, RLENGTH - 3) + 0 } } ; nf = NF }
  END { printf "| median ratio | | 1 |"
        for (i = 5; i < nf; i++) { n = c[i]; delete a
          for (k = 1; k <= n; k++) a[k] = r[i, k]
          for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
          m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
          printf " **%.2f×** |", m }
        printf "\n" }' "$out/cold-rows.txt.$$"
rm -f "$out/cold-rows.txt.$$"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
