#!/usr/bin/env bash
# Whole-process benchmark: cold `./jns unshare -Urpf --mount-proc true` against util-linux
# `unshare -Urpf --mount-proc true`, as root and as an unprivileged uid (65534, through
# setpriv). Target: jns's median at most 100 ms. Prints medians and ratios; the raw
# hyperfine results land in bench/target/.
#
#   bench/run-unshare.sh
#   RUNS=50 bench/run-unshare.sh
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
out="$bench/target"
RUNS=${RUNS:-30}
mkdir -p "$out"
. "$root/tools/jdk.sh"

if ! command -v hyperfine >/dev/null; then
  apt-get update -q && apt-get install -y -q hyperfine
fi
"$root/jns" --help >/dev/null            # builds the jar (and AOT cache, if the build trains one)

# An unprivileged uid cannot read a checkout under /root: run a world-readable copy.
copy=$(mktemp -d /tmp/jns-bench-XXXXXX)
trap 'rm -rf "$copy"' EXIT
mkdir -p "$copy/target"
cp -r "$root/jns" "$root/tools" "$copy/"
cp "$root/target/jns.jar" "$copy/target/"
for extra in jns.aot jns-helper; do
  [ -e "$root/target/$extra" ] && cp -r "$root/target/$extra" "$copy/target/"
done
chmod -R a+rX "$copy"
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"

echo "## unshare benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; kernel $(uname -r)"
echo "- JDK: $("$jdk/bin/java" -version 2>&1 | sed -n 2p); util-linux: $(unshare --version)"
echo "- AOT cache: $([ -f "$copy/target/jns.aot" ] && echo yes || echo no); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| as | jns unshare (median) | util-linux unshare (median) | ratio |"
echo "|---|---|---|---|"
for who in root nobody; do
  prefix=""; [ "$who" = nobody ] && prefix="$as_nobody "
  csv="$out/unshare-$who.csv"
  (cd / && hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-csv "$csv" \
    --command-name jns "${prefix}$copy/jns unshare -Urpf --mount-proc true" \
    --command-name util-linux "${prefix}unshare -Urpf --mount-proc true") >"$out/unshare-$who.log"
  awk -F, -v who="$who" 'NR > 1 { med[NR - 1] = $4 * 1000 }
    END { printf "| %s | %.1f ms | %.1f ms | %.1f |\n", who, med[1], med[2], med[1] / med[2] }' "$csv"
done
