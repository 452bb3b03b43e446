# Sourced by ./jns and ./test: sets $jdk to a JDK 25+ home or fails with one line.
# Looks at JNS_JAVA_HOME, then JAVA_HOME, then the JDKs under /usr/lib/jvm.
jdk=""
for cand in "${JNS_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$cand/release" 2>/dev/null)
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then jdk=$cand; break; fi
done
if [ -z "$jdk" ]; then
  echo "jns: no JDK 25 or newer found: install one (Debian: temurin-25-jdk) or set JAVA_HOME to it" >&2
  exit 1
fi
