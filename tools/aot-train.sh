#!/usr/bin/env bash
# Builds target/jns.aot, the JDK AOT cache (JEP 483) that ./jns starts with: one
# recording run of dev.jns.cli.AotTraining (real, read-only jns commands), then the
# cache is created from what it loaded. Then one cache per hot command
# (target/jns-lsns.aot, jns-unshare.aot, jns-nsenter.aot, jns-oci.aot, jns-run.aot), trained on that command's runs
# only: ./jns picks it by the first argument. A cache preloads every class it holds at
# start-up, so a command's own cache starts faster than the one for all (bench/COLD-RESULTS.md).
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
for command in lsns unshare nsenter oci run; do
  train "$target/jns-$command.aot" "$command"
done
