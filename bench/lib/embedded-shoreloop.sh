# Sourced by bench scripts (from the repository root): start_embedded_shoreloop packages Shoreloop again when a source
# is newer than the package (a stale package measures old code), starts it on a fresh embedded data directory with the
# demo data, waits until it is ready, and removes it all when the script exits (unless keep is set: then it prints
# where the data is). Arguments: further NAME=value environment for the application; SHORELOOP_BENCH_JAVA_OPTS adds
# JVM options to the shipped ones (shoreloop-java-opts.sh); SHORELOOP_APP_DIR runs a copy of the packaged application
# elsewhere (never packaged again, so that a build may go on meanwhile). Sets data, port, log, app (its pid), jdbc (its
# PostgreSQL) and driver (the PostgreSQL JDBC driver's jar).
. "$(dirname "${BASH_SOURCE[0]}")/shoreloop-java-opts.sh"
start_embedded_shoreloop() {
  appdir="${SHORELOOP_APP_DIR:-target/quarkus-app}"
  if [ -z "${SHORELOOP_APP_DIR:-}" ] && { [ ! -f "$appdir/quarkus-run.jar" ] \
     || [ -n "$(find src pom.xml -newer "$appdir/app/shoreloop-0.1.0-SNAPSHOT.jar" -print -quit 2>/dev/null)" ]; }; then
    ./mvnw -B -q package -DskipTests
  fi
  data=$(mktemp -d /tmp/shoreloop-bench-XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  log="$data/shoreloop.log"
  env SHORELOOP_DATA_DIR="$data" SHORELOOP_DEMO=true SHORELOOP_INFRA=embedded QUARKUS_HTTP_PORT="$port" \
    QUARKUS_LOG_LEVEL=WARN "$@" \
    java $(shoreloop_java_opts "${SHORELOOP_BENCH_JAVA_OPTS:-}") -Dquarkus.profile=demo -jar "$appdir/quarkus-run.jar" \
    > "$log" 2>&1 &
  app=$!
  trap stop_embedded_shoreloop EXIT
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null && break
    kill -0 $app 2>/dev/null || { tail -50 "$log"; exit 1; }
    sleep 1
  done
  jdbc=$(grep -o 'jdbc:postgresql://127.0.0.1:[0-9]*/shoreloop' "$log" | head -1)
  driver=$(ls "$appdir"/lib/main/org.postgresql.postgresql-*.jar | head -1)
}

stop_embedded_shoreloop() {
  kill $app 2>/dev/null; wait $app 2>/dev/null || true
  if [ -n "${keep:-}" ]; then echo "data kept in $data" >&2; return; fi
  # the embedded PostgreSQL may still be writing its shutdown checkpoint for a moment
  for _ in 1 2 3 4 5; do rm -rf "$data" 2>/dev/null && break; sleep 2; done
}
