# Sourced by bench scripts: shoreloop_java_opts EXTRA prints the JVM options the application is shipped with (the
# serial collector with its heap grown under load, as run-demo.sh and src/main/docker/Dockerfile.jvm; README "The serial
# collector", "Holding less per waiting message") with a 1 GB heap, then EXTRA; EXTRA that chooses a collector
# replaces the serial one and its heap options. Also as shipped: two malloc arenas
# (MALLOC_ARENA_MAX=2 unless set; README "Start-up and footprint"), for every process the bench starts after this.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
shoreloop_java_opts() {
  case " $1" in
    *" -XX:+UseSerialGC"* | *" -XX:+UseParallelGC"* | *" -XX:+UseG1GC"* | *" -XX:+UseZGC"* | *" -XX:+UseShenandoahGC"*)
      echo "-Xmx1g $1" ;;
    *) echo "-Xmx1g -XX:+UseSerialGC -XX:MinHeapFreeRatio=70 -XX:MaxHeapFreeRatio=90 $1" ;;
  esac
}
