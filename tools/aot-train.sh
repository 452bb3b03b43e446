#!/usr/bin/env bash
# Builds target/jns.aot, the JDK AOT cache (JEP 483) that ./jns starts with: one
# recording run of dev.jns.cli.AotTraining (real, read-only jns commands), then the
# cache is created from what it loaded. Then one cache per hot command
# (target/jns-lsns.aot, jns-unshare.aot, jns-nsenter.aot, jns-run.aot), trained on that command's runs
# only: ./jns picks it by the first argument. A cache preloads every class it holds at
# start-up, so a command's own cache starts faster than the one for all (bench/COLD-RESULTS.md).
# `jns oci` has six, picked by the verb (tools/launch.sh): jns-oci-start.aot, -state, -kill and
# -delete for those verbs, jns-oci-create.aot for create, run and exec, jns-oci.aot for the
# rest (dev.jns.cli.OciAotTraining; bench/OCI-RESULTS.md). jns.aot has no OCI verbs: no
# command starts with it for them.
# Run by the Maven build in the package phase:
#   tools/aot-train.sh JAVA_HOME TARGET_DIR
set -euo pipefail
java=$1/bin/java
target=$2
here=${BASH_SOURCE[0]%/*}
. "$here/jvm-options.sh"

# train CACHE [COMMAND]: records a training run (of COMMAND's runs only, if given), creates CACHE.
train() {
  local cache=$1 conf="$1conf"
  shift
  rm -f "$cache" "$conf"
  "$java" "${jvm_options[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$conf" \
      -cp "$target/jns.jar" dev.jns.cli.AotTraining "$@" >/dev/null
  "$java" "${jvm_options[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$conf" \
      -XX:AOTCache="$cache" -cp "$target/jns.jar" >/dev/null
  rm -f "$conf"
}
train "$target/jns.aot"
for command in lsns unshare nsenter run; do
  train "$target/jns-$command.aot" "$command"
done
# The OCI verbs run on bundles and containers that a JVM of their own makes before the
# recording run and removes after it: only the verbs' classes are recorded.
for cache in oci oci-create oci-start oci-state oci-kill oci-delete; do
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jns-aot-oci.XXXXXX")
  "$java" "${jvm_options[@]}" -cp "$target/jns.jar" dev.jns.cli.AotTraining --oci-prepare "$cache" "$dir" || true
  status=0
  train "$target/jns-$cache.aot" "$cache" "$dir" || status=$?
  "$java" "${jvm_options[@]}" -cp "$target/jns.jar" dev.jns.cli.AotTraining --oci-clean "$dir"
  [ "$status" = 0 ] || exit "$status"
done
