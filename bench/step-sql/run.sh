#!/usr/bin/env bash
# PostgreSQL's CPU for one manifest step's statements (bench/step-sql/StepSql.java): joined statements (what
# Shoreloop sends) against one statement of CTEs, and with synchronous_commit on against off (the CPU a commit's WAL
# flush costs). Starts the packaged Shoreloop on a fresh embedded data directory with the demo data (for the schema
# and one manifest to copy), runs the statements on one connection of its PostgreSQL, then removes everything.
# Usage: bench/step-sql/run.sh [STEPS per shape and round = 2000] [--json]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-2000}"; json="${2:-}"
if [ ! -f target/quarkus-app/quarkus-run.jar ] \
   || [ -n "$(find src pom.xml -newer target/quarkus-app/app/shoreloop-0.1.0-SNAPSHOT.jar -print -quit 2>/dev/null)" ]; then
  ./mvnw -B -q package -DskipTests
fi
data=$(mktemp -d /tmp/shoreloop-stepsql-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$data/shoreloop.log"
SHORELOOP_DATA_DIR="$data" SHORELOOP_DEMO=true SHORELOOP_INFRA=embedded QUARKUS_HTTP_PORT="$port" \
  QUARKUS_LOG_LEVEL=WARN java -Xmx512m -Dquarkus.profile=demo -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
app=$!
cleanup() {
  kill $app 2>/dev/null; wait $app 2>/dev/null || true
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
[ -z "$json" ] && echo "PostgreSQL $jdbc, $steps steps per shape and round, 3 rounds, $(nproc) cores"
java -Dclk.tck="$(getconf CLK_TCK)" -cp "$driver" bench/step-sql/StepSql.java "$jdbc" "$steps" $json
