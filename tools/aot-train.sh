#!/usr/bin/env bash
# Builds target/jns.aot, the JDK AOT cache (JEP 483) that ./jns starts with: one
# recording run of dev.jns.cli.AotTraining (real, read-only jns commands), then the
# cache is created from what it loaded. Run by the Maven build in the package phase:
#   tools/aot-train.sh JAVA_HOME TARGET_DIR
set -euo pipefail
java=$1/bin/java
target=$2
here=${BASH_SOURCE[0]%/*}
. "$here/jvm-options.sh"

conf="$target/jns.aotconf"
rm -f "$target/jns.aot" "$conf"
"$java" "${jvm_options[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$conf" \
    -cp "$target/jns.jar" dev.jns.cli.AotTraining >/dev/null
"$java" "${jvm_options[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$conf" \
    -XX:AOTCache="$target/jns.aot" -cp "$target/jns.jar" >/dev/null
rm -f "$conf"
