#!/usr/bin/env bash
# Network benchmarks (as root): namespace pairs created, wired and deleted by the jns library
# vs by ip commands, and a 1,000-link dump, jns vs `ip -j link`. Arguments: PAIRS ROUNDS
# (default 100 5). Results go to stdout; bench/NET-RESULTS.md holds the recorded ones.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
. "$root/tools/jdk.sh"
"$root/jns" --help >/dev/null            # builds target/jns.jar if needed
exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp "$root/core/target/jns.jar" \
  "$bench/net/NetBench.java" "$@"
