#!/usr/bin/env bash
# P2 benchmark (../shared/docs/quality.md): full manifest lifecycles over HTTP against the packaged Shoreloop on its
# embedded defaults (fresh data directory, demo data), then plain unsigned JDBC inserts of the same rows into the same
# PostgreSQL as the reference, in the same run. Prints a table; --json for machines.
# Usage: bench/manifests/run.sh [CLIENTS=16] [SECONDS=30] [--json]
# Warm-up: unmeasured full-speed lifecycles in 10 s windows until the rate is steady and the application's JIT
# compiler threads are quiet (under 3 % of its CPU, read from /proc, three windows in a row), at least
# BENCH_WARMUP_SECONDS (default 240) and at most BENCH_WARMUP_MAX_SECONDS (default 600).
# Each run also prints the CPU time per step of Shoreloop, of PostgreSQL (postmaster and backends) and of the clients,
# read from /proc: on a shared, noisy host it moves far less than steps/s, so it is the figure to compare changes by.
# Before the runs it registers 20 ships, each with a berth and BENCH_CALLS (400) past calls, over the API; a ship hands
# over BENCH_MANIFESTS_PER_CALL (4) batches per call, as in a port. After each run it prints the work left
# behind: calls whose verdicts wait to be recomputed and manifests the reports have not counted yet; the paced run
# (half the rate) starts once the full-load run's backlog is done (the bench says how long that took, at most 300 s).
# SHORELOOP_BENCH_JAVA_OPTS adds JVM options to the application (e.g. a JFR recording to profile it).
set -euo pipefail
cd "$(dirname "$0")/../.."
clients="${1:-16}"; seconds="${2:-30}"; json="${3:-}"
# packaged again when a source is newer than the package (a stale package measures old code)
if [ ! -f target/quarkus-app/quarkus-run.jar ] \
   || [ -n "$(find src pom.xml -newer target/quarkus-app/app/shoreloop-0.1.0-SNAPSHOT.jar -print -quit 2>/dev/null)" ]; then
  ./mvnw -B -q package -DskipTests
fi
data=$(mktemp -d /tmp/shoreloop-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$data/shoreloop.log"
SHORELOOP_DATA_DIR="$data" SHORELOOP_DEMO=true SHORELOOP_INFRA=embedded QUARKUS_HTTP_PORT="$port" \
  SHORELOOP_MANIFEST_DEADLINE_CHECK=1h QUARKUS_LOG_LEVEL=WARN \
  java -Xmx1g ${SHORELOOP_BENCH_JAVA_OPTS:-} -Dquarkus.profile=demo -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
app=$!
cleanup() {
  kill $app 2>/dev/null; wait $app 2>/dev/null || true
  # the embedded PostgreSQL may still be writing its shutdown checkpoint for a moment
  for _ in 1 2 3 4 5; do rm -rf "$data" 2>/dev/null && break; sleep 2; done
}
trap cleanup EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null && break
  kill -0 $app 2>/dev/null || { tail -50 "$log"; exit 1; }
  sleep 1
done
jdbc=$(grep -o 'jdbc:postgresql://127.0.0.1:[0-9]*/shoreloop' "$log" | head -1)
driver=$(ls target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar | head -1)
[ -z "$json" ] && echo "Shoreloop on :$port, $jdbc, $clients clients, ${seconds}s per run, $(nproc) cores"
# the embedded PostgreSQL's postmaster (its children are the backends), for the CPU time per step
pm=$(head -1 "$(find "$data" -name postmaster.pid | head -1)" 2>/dev/null || echo -1)
java -Dapp.pid=$app -Dpostgres.pid="$pm" -Dclk.tck="$(getconf CLK_TCK)" \
  -Dbench.calls="${BENCH_CALLS:-400}" -Dbench.manifests-per-call="${BENCH_MANIFESTS_PER_CALL:-4}" \
  -Dwarmup="${BENCH_WARMUP_SECONDS:-240}" -Dwarmup.max="${BENCH_WARMUP_MAX_SECONDS:-600}" -cp "$driver" bench/manifests/ManifestBench.java "http://127.0.0.1:$port" "$jdbc" "$clients" "$seconds" $json
