# Sourced by ./jns and ./jns-oci: what both launchers decide alike. Bash builtins only (no
# forked process: each costs milliseconds of start-up). Both set $here (the checkout) and
# $jar (core/target/jns.jar) first.

# Stale when any source file or directory (a directory changes when a file is added
# or removed) is newer than the jar.
stale() {
  [ -f "$jar" ] || return 0
  local f
  shopt -s globstar nullglob
  for f in "$here/pom.xml" "$here/core/pom.xml" "$here"/tools/* "$here"/core/src/main/**; do
    [ "$f" -nt "$jar" ] && return 0
  done
  return 1
}

# oci_cache ARGS...: sets $oci_aot to the AOT cache for `jns oci ARGS...` (tools/aot-train.sh,
# dev.jns.cli.OciAotTraining), and $oci_options to the JVM options the verb adds. The JDK
# preloads every class of a cache: the set-up verbs (create, run, exec) load about twice the
# classes of the others (the spawner, the plan, FFM) and share one; start, state, kill and
# delete, each a process in every container's life, have one each; the rest one more. The
# verb is the first argument that is neither a global option nor an option's value, as
# OciCommand parses them (-x or --x, --x=v or --x v).
oci_cache() {
  local a= skip=
  for a; do
    case $skip in 1) skip= && continue ;; verb) break ;; esac
    case $a in
      --) skip=verb ;;
      --root|-root|--log|-log|--log-format|-log-format|--criu|-criu|--rootless|-rootless) skip=1 ;;
      -?*) ;;
      *) break ;;
    esac
  done
  # The verbs but create, run and exec also run interpreted only: they do too little for the
  # JIT's work to pay back (measured: bench/OCI-RESULTS.md).
  oci_options=(-Xint)
  case $a in
    create|run|exec) oci_aot=$here/core/target/jns-oci-create.aot oci_options=() ;;
    start|state|kill|delete) oci_aot=$here/core/target/jns-oci-$a.aot ;;
    *) oci_aot=$here/core/target/jns-oci.aot ;;
  esac
}
