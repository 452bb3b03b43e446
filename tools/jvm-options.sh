# Sourced by ./jns and by tools/aot-train.sh: the JVM options jns runs with. The AOT
# cache is only used when the run's options match the training run's (a mismatch such
# as a missing --enable-native-access makes the JDK drop the cache silently), so both
# read them from here. Chosen by measurement (bench/RESULTS.md): C1 only and the serial
# GC start fastest; -Xint costs less CPU but more wall time, and far more on big scans;
# no perf-data file in /tmp for every call.
jvm_options=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k)
