# Sourced by bench scripts (from the repository root) that run Shoreloop against this machine's PostgreSQL and Mosquitto
# rather than its embedded servers. external_infra_init makes a throwaway directory ($WORK), installs mosquitto and
# postgresql with apt-get when missing (benchmarks only) and stops everything in it when the script exits: the processes
# in PIDS, then PostgreSQL. start_external_postgres [settings] starts PostgreSQL (default settings: fsync and
# synchronous_commit on; user postgres, trust) and sets PGPORT; start_mosquitto [max-inflight] starts Mosquitto
# (never dropping QoS 1 messages, persistence off) and sets MQPORT. BENCH_KEEP_LOGS=DIR keeps the directory's logs.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
log() { echo "[bench] $*" >&2; }
# apt-get install, refreshing the package lists first when they are missing or stale
apt_install() { apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }; }

external_infra_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${PGBIN:-}" ] && [ -d "$WORK/pg" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${BENCH_KEEP_LOGS:-}" ]; then cp "$WORK"/*.log "$BENCH_KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}

external_infra_init() {
  WORK=$(mktemp -d /tmp/shoreloop-bench.XXXXXX)
  chmod 755 "$WORK"
  PIDS=()
  trap external_infra_cleanup EXIT
  if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
    log "installing mosquitto"; apt_install mosquitto
  fi
  MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  PGCTL=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -1 || true)
  if [ -z "$PGCTL" ]; then
    log "installing postgresql"; apt_install postgresql
    PGCTL=$(ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)
  fi
  PGBIN=$(dirname "$(readlink -f "$PGCTL")")
}

start_external_postgres() {
  PGPORT=$(free_port)
  mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
  runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100 ${1:-}" -w start >/dev/null
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PGPORT"
}

start_mosquitto() {
  MQPORT=$(free_port)
  cat > "$WORK/mosquitto.conf" <<CONF
listener $MQPORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages ${1:-1000}
CONF
  "$MOSQUITTO" -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
  MQ_PID=$!
  PIDS+=($MQ_PID)
  log "Mosquitto $("$MOSQUITTO" -h 2>/dev/null | head -1 | awk '{print $3}') on port $MQPORT"
}
