#!/usr/bin/env bash
# Spawn cost from a warm JVM (JMH SpawnBenchmark, and the same three interleaved round by
# round in SpawnInterleaved.java: jns vs util-linux `unshare -Urmuinpf true` vs plain
# ProcessBuilder), the kernel's floor for the same work (clone3-floor.c), and the
# peak RSS of jns's helper next to util-linux unshare's. Needs root. Results in bench/target/.
#   bench/run-spawn.sh              # defaults: 1 fork, 3 warm-up and 5 measured iterations of 2 s
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
out="$bench/target"
mkdir -p "$out"
. "$root/tools/jdk.sh"

gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/clone3-floor" "$bench/clone3-floor.c"
echo "== kernel floor (C, no JVM)"
"$out/clone3-floor" "${FLOOR_ITERATIONS:-1000}" | tee "$out/clone3-floor.txt"

echo "== warm JVM (JMH, sample mode; p0.50 is the median)"
"$bench/run-jmh.sh" -f 1 -wi 3 -w 2 -i 5 -r 2 SpawnBenchmark >/dev/null
grep -E '^Benchmark|p0.50' "$bench/target/jmh.txt" | tee "$out/spawn-jmh.txt"

echo "== warm JVM, interleaved rounds (fairer on a shared machine)"
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$root/core/target/jns.jar" "$bench/SpawnInterleaved.java" \
  "${ROUNDS:-500}" | tee "$out/spawn-interleaved.txt"

echo "== peak RSS of the supervising process"
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$root/core/target/jns.jar" "$bench/HelperRss.java" \
  | tee "$out/helper-rss.txt"
