# Sourced by ./jns and ./test: sets $jdk to a JDK 25+ home or fails with one line.
# Looks at JNS_JAVA_HOME, then JAVA_HOME, then the JDKs under /usr/lib/jvm.
# Uses only bash builtins: ./jns runs this on every call, and each forked
# process (sed, dirname...) would cost about a millisecond of start-up.
jdk=""
for cand in "${JNS_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -r "$cand/release" ] || continue
  while IFS= read -r line; do
    if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
      (( BASH_REMATCH[1] >= 25 )) && jdk=$cand
      break
    fi
  done < "$cand/release"
  [ -n "$jdk" ] && break
done
if [ -z "$jdk" ]; then
  echo "jns: no JDK 25 or newer found: install one (Debian: temurin-25-jdk) or set JAVA_HOME to it" >&2
  exit 1
fi
