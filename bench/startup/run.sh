#!/usr/bin/env bash
# P4 benchmark (../shared/docs/quality.md: ready < 3 s, JVM, external database; idle RSS < 300 MB). Starts this
# machine's PostgreSQL and Mosquitto in a throwaway directory (bench/lib/external-infra.sh), then launches the packaged
# Shoreloop (target/quarkus-app, built if missing or stale) against them LAUNCHES times, without demo data, and for each
# launch prints the time from the launch to the first UP of /q/health/ready (polled every 20 ms) and the resident memory
# (VmRSS) 15 s after it; the first launch migrates an empty database, the others find it migrated. Reference, measured
# in the same run: the launch of a bare JVM that opens one JDBC connection to the same PostgreSQL, runs `select 1` and
# exits (the floor under any JVM service here); the ratio is the median of the launches after the first over it. Also
# printed: the CPU time the launch had used when it was ready (all its threads: the JIT compilers' share included).
# Usage: bench/startup/run.sh [LAUNCHES=5]. JAVA_OPTS adds JVM options to the shipped ones (shoreloop-java-opts.sh).
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

printf '%-8s %-28s %10s %14s %10s\n' launch database "ready ms" "CPU ms (ready)" "RSS MB"
ready=()
cpus=()
rsss=()
for i in $(seq 1 "$launches"); do
  HTTP=$(free_port)
  t0=$(now_ms)
  QUARKUS_DATASOURCE_JDBC_URL="$JDBC" QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  SHORELOOP_MQTT_HOST=127.0.0.1 SHORELOOP_MQTT_PORT=$MQPORT SHORELOOP_MQTT_CLIENT_ID="shoreloop-startup" \
  SHORELOOP_DATA_DIR="$WORK/data" QUARKUS_HTTP_PORT=$HTTP \
    java $(shoreloop_java_opts "${JAVA_OPTS:-}") -jar "$JAR" >"$WORK/shoreloop-$i.log" 2>&1 &
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
  [ -n "$ms" ] || { tail -40 "$WORK/shoreloop-$i.log"; kill $app 2>/dev/null; exit 1; }
  sleep 15
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app/status")
  kill -TERM $app; wait $app 2>/dev/null || true
  printf '%-8s %-28s %10s %14s %10s\n' "$i" "$([ "$i" = 1 ] && echo "empty (migrations)" || echo migrated)" "$ms" "$cpu" "$rss"
  [ "$i" -gt 1 ] && ready+=("$ms") && cpus+=("$cpu")
  rsss+=("$rss")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
med=$(median "${ready[@]:-0}")
echo
echo "bare JVM with one JDBC round trip (reference, median of 3): $probe_ms ms"
echo "Shoreloop ready, median of launches 2-$launches: $med ms = $(awk -v a="$med" -v b="$probe_ms" 'BEGIN {printf "%.1f", a / b}') x the reference"
echo "CPU used by then (all threads), median of launches 2-$launches: $(median "${cpus[@]:-0}") ms on $(nproc) cores"
echo "RSS 15 s after ready: $(printf '%s\n' "${rsss[@]}" | sort -n | head -1)-$(printf '%s\n' "${rsss[@]}" | sort -n | tail -1) MB"
echo "goal P4: ready < 3000 ms (JVM, external database); idle RSS < 300 MB"
