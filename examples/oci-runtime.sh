#!/bin/sh
# jns oci as an OCI runtime: one bundle (a static busybox and the default config.json of
# `jns oci spec`) run by runc and by `jns oci`, which take the same command line. What the
# container prints and its exit status must be the same, or the script says how they
# differ and fails. As root; containerd and Kubernetes drive jns the same way (README:
# "jns as a containerd runtime").
#
#   JNS=./jns BUSYBOX=/bin/busybox sh examples/oci-runtime.sh
set -eu
jns=${JNS:-jns}
busybox=${BUSYBOX:-/bin/busybox}
runc=${RUNC:-runc}
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT

# The root file system: busybox and its applets, as links.
mkdir -p "$bundle/rootfs/bin"
cp "$busybox" "$bundle/rootfs/bin/busybox"
for applet in sh echo id hostname ls touch; do ln -s busybox "$bundle/rootfs/bin/$applet"; done

# The default config.json, with no terminal, a program that shows what it sees, and the
# container's cgroup below the caller's own (a relative cgroupsPath, for both runtimes).
(cd "$bundle" && "$jns" oci spec)
program='echo "hostname $(hostname), uid $(id -u), pid $$"; ls /; echo "root read-only: $(touch /x 2>/dev/null && echo no || echo yes)"; exit 3'
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/^\t"linux": {/&\n\t\t"cgroupsPath": "jns-example-'"$$"'",/' \
       -e '/"args": \[/,/\]/c\		"args": ["sh", "-c", "'"$(printf '%s' "$program" | sed 's/"/\\\\"/g')"'"],' "$bundle/config.json"

# run: create, start, wait, delete in one verb; its exit status is the program's.
run() {
    set +e
    (cd "$bundle" && "$@" run "example-$$" 2>&1)
    echo "exit $?"
    set -e
}
echo "\$ runc run"
expected=$(run "$runc")
echo "$expected"
echo "\$ jns oci run"
got=$(run "$jns" oci)
echo "$got"
if [ "$got" != "$expected" ]; then
    echo "DIFFERS"
    exit 1
fi
echo same
