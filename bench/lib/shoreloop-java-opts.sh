# Sourced by bench scripts: shoreloop_java_opts EXTRA prints the JVM options the application is shipped with
# (src/main/bin/java-options, as run-demo.sh and the image use them) with a 1 GB heap, then EXTRA. EXTRA that chooses
# another collector replaces the shipped options (the serial collector and its heap's growth); other options in EXTRA
# come last and so win over the shipped ones (e.g. -XX:MinHeapFreeRatio=40 -XX:MaxHeapFreeRatio=70, the JVM's
# defaults). Also as shipped: two malloc arenas (MALLOC_ARENA_MAX=2 unless set; README "Start-up and footprint"), for
# every process the bench starts after this.
. "$(dirname "${BASH_SOURCE[0]}")/../../src/main/bin/java-options.sh"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
shoreloop_java_opts() {
  case " $1 " in
    *" -XX:+UseParallelGC "* | *" -XX:+UseG1GC "* | *" -XX:+UseZGC "* | *" -XX:+UseShenandoahGC "* | *" -XX:+UseEpsilonGC "*)
      echo "-Xmx1g $1" ;;
    *) echo "-Xmx1g $(shoreloop_java_options) $1" ;;
  esac
}
