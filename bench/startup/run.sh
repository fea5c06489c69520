#!/usr/bin/env bash
# P4 benchmark (../shared/docs/quality.md: ready < 3 s, JVM, external database; idle RSS < 300 MB). Starts this
# machine's PostgreSQL and Mosquitto in a throwaway directory (bench/lib/external-infra.sh), then launches the packaged
# Shoreloop (target/quarkus-app, built if missing or stale) against them LAUNCHES times, without demo data, and for each
# launch prints the time from the launch to the first UP of /q/health/ready (polled every 20 ms) and the resident memory
# (VmRSS) 15 s after it; the first launch migrates an empty database, the others find it migrated. Reference, measured
# in the same run: the launch of a bare JVM that opens one JDBC connection to the same PostgreSQL, runs `select 1` and
# exits (the floor under any JVM service here); the ratio is the median of the launches after the first over it. Also
# printed: the CPU time the launch had used when it was ready (all its threads: the JIT compilers' share included).
# The launches use the start-up archive as run-demo.sh does (src/main/bin/startup-archive.sh: trained first, here for
# the bench's JVM options, and its training time printed); launches 2..N each run twice, with the archive and without
# it (alternating which goes first), so that the archive's effect is measured on the same stretch of the host.
# SHORELOOP_STARTUP_ARCHIVE=off: no archive, one launch each.
# Usage: bench/startup/run.sh [LAUNCHES=5]. JAVA_OPTS adds JVM options to the shipped ones (shoreloop-java-opts.sh);
# the `java` on the PATH runs everything (a JDK 25+ gets an AOT cache instead of a CDS archive).
set -euo pipefail
cd "$(dirname "$0")/../.."
launches="${1:-5}"
. bench/lib/shoreloop-java-opts.sh
. bench/lib/external-infra.sh
external_infra_init
start_external_postgres
start_mosquitto

JAR=target/quarkus-app/quarkus-run.jar
if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  log "packaging Shoreloop"; ./mvnw -B -q package -DskipTests
fi
DRIVER=$(ls target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar | head -1)
JDBC="jdbc:postgresql://127.0.0.1:$PGPORT/postgres"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# CPU time (user + system, all threads) the process has used so far, in ms
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

# the reference: a bare JVM with one JDBC round trip
mkdir -p "$WORK/probe"
cat > "$WORK/probe/Probe.java" <<'JAVA'
public class Probe {
    public static void main(String[] a) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(a[0], "postgres", "postgres");
                var r = c.createStatement().executeQuery("select 1")) {
            r.next();
        }
    }
}
JAVA
javac -d "$WORK/probe" "$WORK/probe/Probe.java"
java -cp "$WORK/probe:$DRIVER" Probe "$JDBC" # once unmeasured: the page cache warm as for the launches
probe=()
for _ in 1 2 3; do
  t0=$(now_ms); java -cp "$WORK/probe:$DRIVER" Probe "$JDBC"; probe+=($(( $(now_ms) - t0 )))
done
probe_ms=$(printf '%s\n' "${probe[@]}" | sort -n | sed -n 2p)

# the start-up archive as run-demo.sh uses it (src/main/bin/startup-archive.sh), trained here for these JVM options
. src/main/bin/startup-archive.sh
opts=$(shoreloop_java_opts "${JAVA_OPTS:-}")
t0=$(now_ms)
archive=$(shoreloop_startup_archive target/quarkus-app "$WORK/archive" $opts)
train_ms=$(( $(now_ms) - t0 ))
[ -n "$archive" ] || log "no start-up archive (SHORELOOP_STARTUP_ARCHIVE=${SHORELOOP_STARTUP_ARCHIVE:-on}): every launch without"

printf '%-8s %-8s %-20s %10s %14s %10s\n' launch archive database "ready ms" "CPU ms (ready)" "RSS MB"
ready_with=(); ready_without=(); cpu_with=(); cpu_without=(); rss_with=(); rss_without=()
# launch N MODE (with|without) DATABASE-LABEL: one launch, its figures appended to the arrays of MODE
launch() {
  local i=$1 mode=$2 what=$3 extra=""
  [ "$mode" = with ] && extra=$archive
  HTTP=$(free_port)
  t0=$(now_ms)
  QUARKUS_DATASOURCE_JDBC_URL="$JDBC" QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  SHORELOOP_MQTT_HOST=127.0.0.1 SHORELOOP_MQTT_PORT=$MQPORT SHORELOOP_MQTT_CLIENT_ID="shoreloop-startup" \
  SHORELOOP_DATA_DIR="$WORK/data" QUARKUS_HTTP_PORT=$HTTP \
    java $opts $extra -jar "$JAR" >"$WORK/shoreloop-$i-$mode.log" 2>&1 &
  app=$!
  PIDS+=($app) # stopped on exit if the script is interrupted
  ms=""
  while kill -0 $app 2>/dev/null; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/q/health/ready")" = 200 ]; then
      ms=$(( $(now_ms) - t0 )); cpu=$(cpu_ms $app); break
    fi
    [ $(( $(now_ms) - t0 )) -gt 120000 ] && break
    sleep 0.02
  done
  [ -n "$ms" ] || { tail -40 "$WORK/shoreloop-$i-$mode.log"; kill $app 2>/dev/null; exit 1; }
  sleep 15
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app/status")
  kill -TERM $app; wait $app 2>/dev/null || true
  printf '%-8s %-8s %-20s %10s %14s %10s\n' "$i" "$([ -n "$extra" ] && echo yes || echo no)" "$what" "$ms" "$cpu" "$rss"
  if [ "$what" = migrated ]; then
    eval "ready_$mode+=($ms); cpu_$mode+=($cpu)"
  fi
  eval "rss_$mode+=($rss)"
}
launch 1 with "empty (migrations)"
# then each launch twice, with the archive and without, alternating which goes first (the host drifts)
for i in $(seq 2 "$launches"); do
  if [ $((i % 2)) = 0 ]; then launch "$i" with migrated; [ -n "$archive" ] && launch "$i" without migrated
  else [ -n "$archive" ] && launch "$i" without migrated; launch "$i" with migrated; fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
range() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd- -; }
med=$(median "${ready_with[@]:-0}")
echo
echo "bare JVM with one JDBC round trip (reference, median of 3): $probe_ms ms"
[ -n "$archive" ] && echo "start-up archive: trained in $train_ms ms ($(du -m "$WORK"/archive/shoreloop-* | cut -f1) MB), $archive"
echo "Shoreloop ready$([ -n "$archive" ] && echo " with the archive (as shipped)"), median of launches 2-$launches: $med ms = $(awk -v a="$med" -v b="$probe_ms" 'BEGIN {printf "%.1f", a / b}') x the reference; CPU used by then (all threads): $(median "${cpu_with[@]:-0}") ms on $(nproc) cores; RSS 15 s after ready: $(range "${rss_with[@]}") MB"
if [ -n "$archive" ]; then
  without=$(median "${ready_without[@]:-0}")
  echo "Shoreloop ready without the archive, median of launches 2-$launches: $without ms = $(awk -v a="$without" -v b="$probe_ms" 'BEGIN {printf "%.1f", a / b}') x the reference; CPU: $(median "${cpu_without[@]:-0}") ms; RSS: $(range "${rss_without[@]}") MB"
  echo "with / without the archive: $(awk -v a="$med" -v b="$without" 'BEGIN {printf "%.2f", a / b}')"
fi
echo "goal P4: ready < 3000 ms (JVM, external database); idle RSS < 300 MB"
