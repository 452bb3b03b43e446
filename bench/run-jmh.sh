#!/usr/bin/env bash
# JMH benchmarks of the library (bench/jmh): builds the main jar and the benchmarks, then
# runs them; extra arguments go to JMH (e.g. `bench/run-jmh.sh -f 1 -wi 2 -i 3 Scan`).
# The default sizes take about a minute per benchmark. Results: bench/target/jmh.txt.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
. "$root/tools/jdk.sh"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

"$root/jns" --help >/dev/null            # builds target/jns.jar if needed
JAVA_HOME="$jdk" mvn -q -B -f "$root/pom.xml" -pl junit -am package -DskipTests   # junit/target/jns-junit.jar
JAVA_HOME="$jdk" mvn -q -B -f "$bench/jmh/pom.xml" package
mkdir -p "$bench/target"
cp="$bench/jmh/target/classes:$(cat "$bench/jmh/target/classpath.txt"):$root/core/target/jns.jar:$root/junit/target/jns-junit.jar"
# JMH 1.37 uses sun.misc.Unsafe; the forked benchmark JVMs inherit these options.
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "$cp" org.openjdk.jmh.Main "$@" \
  | tee "$bench/target/jmh.txt"
