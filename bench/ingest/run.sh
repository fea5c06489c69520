#!/usr/bin/env bash
# Shoreloop ingest benchmark (quality.md P1 / P1r / P1n). Starts, in a throwaway directory:
#   - PostgreSQL (the machine's binaries, default settings: fsync and synchronous_commit on),
#   - Mosquitto (max_queued_messages 0 so that the broker never drops QoS 1 messages, persistence off),
#   - the packaged Shoreloop (target/quarkus-app, built if missing) pointed at both, with the demo data,
# then runs bench/ingest/IngestBench.java, which drives the device simulator's load mode
# (device-simulators/target/shoreloop-device-simulators.jar, built if missing) for the broker QoS 1 pass-through
# (same load, another topic root, a plain counting subscriber), the live shape (1 reading per message from M meters)
# and the backfill shape (arrays of 500), and itself times COPY of as many rows (binary, as Shoreloop sends them, and CSV) and naive one-insert-per-reading;
# checks 0 lost and 0 duplicated and exact session energy (the simulator reports each meter's true register
# increase); prints a table with ratios (--json: one JSON object), and the CPU time per live reading (and per message
# passed through the broker) of Shoreloop, PostgreSQL and the broker, sampled from /proc.
#
# Usage: bench/ingest/run.sh [--json] [--meters M] [--meters-per-berth K] [--live N] [--backfill N] [--naive N]
#        [--warmup N] [--warmup-backfill N]
#        [--warmup-rounds N] [--lead N]
# --meters-per-berth K (default 4): the meters are spread over berths of their own, K to a berth, with a ship's call at
# each (a session matched to its own berth's call); 0: every meter at the demo berth B01, matched to its one call.
# Warm-up: rounds of --warmup N (default 50,000) live and --warmup-backfill N (default 300,000) backfill readings
# through Shoreloop on meters of their own before the measured runs, until Shoreloop's JIT compiler (read with jcmd)
# was busy for less than a tenth of a round, at most --warmup-rounds (default 6). With one short round the JIT
# compiler still took half of Shoreloop's CPU during the measured shapes.
# --lead N (default 60,000, 40,000 until 2026-12-07; 0: none): in the one-reading-per-message shapes (broker pass-through, live) the simulator
# publishes at most N readings ahead of what its consumer has taken (Shoreloop's committed readings, the counting
# subscriber's messages), so that the broker's queue for the consumer stays below Mosquitto's 65,535 packet identifiers.
# BENCH_PG_OPTS adds PostgreSQL settings (e.g. '-c shared_preload_libraries=pg_stat_statements' to see its statements).
# BENCH_MQ_INFLIGHT sets Mosquitto's max_inflight_messages (default 1000): the QoS 1 messages it may have unacknowledged
# at Shoreloop, i.e. how many the batch being written may hold.
# JAVA_OPTS adds JVM options to the application's shipped ones (bench/lib/shoreloop-java-opts.sh: the serial collector,
# 1 GB heap; naming another collector replaces the serial one).
# Needs: JDK 17, Maven wrapper; installs mosquitto / postgresql with apt-get only if missing (benchmark only).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. bench/lib/shoreloop-java-opts.sh
. bench/lib/external-infra.sh
external_infra_init
start_external_postgres "${BENCH_PG_OPTS:-}"
start_mosquitto "${BENCH_MQ_INFLIGHT:-1000}"

# --- Shoreloop ----------------------------------------------------------------------------------------------
JAR=target/quarkus-app/quarkus-run.jar
SIM=device-simulators/target/shoreloop-device-simulators.jar
# built if missing or older than their sources (the bench passes the simulator options of the current sources)
if [ ! -f "$JAR" ] || [ ! -f "$SIM" ] || [ -n "$(find src device-simulators/src pom.xml device-simulators/pom.xml -newer "$SIM" -print -quit)" ] \
   || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  log "packaging Shoreloop and the device simulators"; ./mvnw -B -q package -DskipTests
fi
CP_FILE=target/bench-classpath.txt
if [ ! -f "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
fi
HTTP=$(free_port)
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" \
QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
SHORELOOP_MQTT_HOST=127.0.0.1 SHORELOOP_MQTT_PORT=$MQPORT SHORELOOP_MQTT_CLIENT_ID="shoreloop-bench" \
SHORELOOP_DATA_DIR="$WORK/data" SHORELOOP_DEMO=true QUARKUS_HTTP_PORT=$HTTP \
  java $(shoreloop_java_opts "${JAVA_OPTS:-}") -Dquarkus.profile=demo -Dquarkus.log.console.json.enabled=false -jar "$JAR" >"$WORK/shoreloop.log" 2>&1 &
APP_PID=$!
PIDS+=($APP_PID)
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$HTTP/q/health/ready" >/dev/null 2>&1; then break; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$HTTP/q/health/ready" >/dev/null || { tail -50 "$WORK/shoreloop.log"; exit 1; }
log "Shoreloop ready on port $HTTP"

java -cp "$(cat "$CP_FILE")" bench/ingest/IngestBench.java --simulator "$SIM" \
  --mqtt-host 127.0.0.1 --mqtt-port "$MQPORT" \
  --jdbc "jdbc:postgresql://127.0.0.1:$PGPORT/postgres" --user postgres --password postgres --app-pid "$APP_PID" \
  --pg-pid "$(head -1 "$WORK/pg/postmaster.pid")" --broker-pid "$MQ_PID" \
  --metrics-url "http://127.0.0.1:$HTTP/q/metrics" "$@"

# PostgreSQL's updates of the rows each batch rewrites over the whole run (warm-up included), and the share that stayed
# on their page (HOT: no index entry written for the new version)
log "row updates: $("$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -At -c "select string_agg(format('%s %s (%s %% HOT)',
  relname, n_tup_upd, coalesce(round(100.0 * n_tup_hot_upd / nullif(n_tup_upd, 0)), 0)), ', ' order by relname)
  from pg_stat_user_tables where relname in ('shore_session', 'shore_meter_state')" 2>&1)"
# with BENCH_PG_OPTS='-c shared_preload_libraries=pg_stat_statements': PostgreSQL's statements of the whole run
# (warm-up and reference loads included) by the time spent executing them
if [[ "${BENCH_PG_OPTS:-}" == *pg_stat_statements* ]]; then
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -P pager=off -c "create extension if not exists pg_stat_statements" \
    -c "select calls, round(total_exec_time) as total_ms, round((1000 * total_exec_time / calls)::numeric, 1) as us_per_call,
               rows, left(regexp_replace(query, '\s+', ' ', 'g'), 100) as statement
          from pg_stat_statements order by total_exec_time desc limit 15" >&2
fi

# Mosquitto 2.0.11 numbers a subscriber's QoS 1 messages when it queues them: once more than 65,535 wait for
# Shoreloop, it sends identifiers still in flight, which the client refuses (in the runs seen, nothing was lost or
# doubled in the end, but the live rate of such a run measures the broker's mix-up, see the README).
RESENT=$(grep -c "must not be resent" "$WORK/shoreloop.log" || true)
if [ "${RESENT:-0}" -gt 0 ]; then
  log "WARNING: Mosquitto sent $RESENT messages to Shoreloop with packet identifiers still in flight (its backlog passed 65,535); the live figure of this run is not comparable"
fi
