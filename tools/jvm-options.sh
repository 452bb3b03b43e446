# Sourced by ./jns and by tools/aot-train.sh: the JVM options jns runs with. The AOT
# cache is only used when the run's options match the training run's, so both read
# them from here.
jvm_options=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k)
