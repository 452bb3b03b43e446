# Sourced by the cold-start benchmarks (run-unshare.sh, run-nsenter.sh): the set-up they
# share and one hyperfine comparison of a jns command with its util-linux twin.
# Expects $bench and $root set by the caller; sets $out, $RUNS and $jdk.
out="$bench/target"
RUNS=${RUNS:-30}
mkdir -p "$out"
. "$root/tools/jdk.sh"
command -v hyperfine >/dev/null || { apt-get update -q && apt-get install -y -q hyperfine; }
"$root/jns" --help >/dev/null            # builds the jar (and AOT cache, if the build trains one)

# Prints the run's heading: TITLE, util-linux's version (from TOOL --version), the AOT cache used.
cold_header() {
  local title=$1 tool=$2 aot=$3
  echo "## $title benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; kernel $(uname -r)"
  echo "- JDK: $("$jdk/bin/java" -version 2>&1 | sed -n 2p); util-linux: $("$tool" --version)"
  echo "- AOT cache: $([ -f "$aot" ] && echo yes || echo no); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
}

# Times JNS_COMMAND against UTIL_LINUX_COMMAND (hyperfine, from /, $RUNS runs after 3 warm-ups)
# and prints one table row: LABEL | jns median | util-linux median | ratio.
cold_compare() {
  local name=$1 label=$2 jns_cmd=$3 ul_cmd=$4
  local csv="$out/$name.csv"
  (cd / && hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-csv "$csv" \
    --command-name jns "$jns_cmd" --command-name util-linux "$ul_cmd") >"$out/$name.log"
  awk -F, -v label="$label" 'NR > 1 { med[NR - 1] = $4 * 1000 }
    END { printf "| %s%.1f ms | %.1f ms | %.1f |\n", label, med[1], med[2], med[1] / med[2] }' "$csv"
}
