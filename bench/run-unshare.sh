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
. "$bench/cold-cli.sh"

# An unprivileged uid cannot read a checkout under /root: run a world-readable copy.
copy=$(mktemp -d /tmp/jns-bench-XXXXXX)
trap 'rm -rf "$copy"' EXIT
mkdir -p "$copy/core/target"
cp -r "$root/jns" "$root/tools" "$copy/"
cp "$root/core/target/jns.jar" "$copy/core/target/"
for extra in jns.aot jns-lsns.aot jns-unshare.aot jns-nsenter.aot jns-helper; do
  [ -e "$root/core/target/$extra" ] && cp -r "$root/core/target/$extra" "$copy/core/target/"
done
chmod -R a+rX "$copy"
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"

cold_header unshare unshare "$copy/core/target/jns-unshare.aot"
echo "| as | jns unshare (median) | util-linux unshare (median) | ratio |"
echo "|---|---|---|---|"
for who in root nobody; do
  prefix=""; [ "$who" = nobody ] && prefix="$as_nobody "
  cold_compare "unshare-$who" "$who | " "${prefix}$copy/jns unshare -Urpf --mount-proc true" \
    "${prefix}unshare -Urpf --mount-proc true"
done
