#!/usr/bin/env bash
# create + start + delete of a busybox bundle running `true`, whole process, jns oci beside
# runc and crun (those installed) in one hyperfine run; then single verbs that need no
# container (state of an unknown id, features) to show the fixed cost of a verb. As root.
# Results: bench/OCI-RESULTS.md.   Usage: bench/run-oci.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
busybox=$(command -v busybox)
mkdir -p "$work/bundle/rootfs/bin"
cp "$busybox" "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
(cd "$work/bundle" && "$here/jns" oci spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' "$work/bundle/config.json"
cat > "$work/cycle" <<CYCLE
#!/bin/sh
# RUNTIME: create, start, wait until stopped, delete
R="\$1 --root $work/state-\$(basename \$1)"
\$R create --bundle $work/bundle cyc >/dev/null || exit 1
\$R start cyc || exit 1
while ! \$R state cyc | grep -q '"stopped"'; do :; done
\$R delete cyc
CYCLE
chmod +x "$work/cycle"
runtimes=("$here/jns-oci")
for r in runc crun; do command -v $r >/dev/null && "$work/cycle" "$(command -v $r)" 2>/dev/null && runtimes+=("$(command -v $r)"); done
cmds=()
for r in "${runtimes[@]}"; do cmds+=("$work/cycle $r"); done
hyperfine -N -w 3 -r "$runs" "${cmds[@]}"
hyperfine -N -w 3 -r "$runs" -i "$here/jns-oci --root $work/s state nope" "$(command -v runc) --root $work/s state nope" \
  "$here/jns-oci features"
