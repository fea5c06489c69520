#!/usr/bin/env bash
# A meter history published with a plain MQTT client (mosquitto_pub), checked through the REST API: the README's
# worked example (one session of 1.850 kWh with a register reset, 0.010 kWh of standby unallocated) plus a duplicate
# delivery, a malformed message and a message that names another meter (the two dead letters), matched to the demo
# ship Yu Container 1's open call at Guoyuan berth B01.
#
# Usage: device-simulators/mosquitto-pub-demo.sh [--external]
#   (default)   against a running `./run-demo.sh` (SHORELOOP_URL, default http://localhost:8080; its embedded broker
#               at MQTT_HOST:MQTT_PORT, default 127.0.0.1:1883)
#   --external  starts Mosquitto (installed with apt-get if missing) on a free port and the packaged Shoreloop
#               (target/quarkus-app, built if missing) on its embedded PostgreSQL with the demo data, pointed at it
# Needs mosquitto_pub (package mosquitto-clients; installed with apt-get if missing), curl and python3.
# Exits 0 when every figure is as expected, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[demo] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

external=""
[ "${1:-}" = "--external" ] && external=1
need_apt=()
command -v mosquitto_pub >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
if [ -n "$external" ] && ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  need_apt+=(mosquitto)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  apt-get update -q >/dev/null && apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

BASE="${SHORELOOP_URL:-http://localhost:8080}"
MQTT_HOST="${MQTT_HOST:-127.0.0.1}"
MQTT_PORT="${MQTT_PORT:-1883}"
if [ -n "$external" ]; then
  WORK=$(mktemp -d /tmp/shoreloop-mosquitto-demo.XXXXXX)
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
  MQTT_PORT=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$MQTT_PORT" > "$WORK/mosquitto.conf"
  MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  "$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  PIDS+=($!)
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
  HTTP=$(free_port)
  BASE="http://127.0.0.1:$HTTP"
  SHORELOOP_MQTT_HOST=127.0.0.1 SHORELOOP_MQTT_PORT=$MQTT_PORT SHORELOOP_MQTT_SHARED=false \
  SHORELOOP_DATA_DIR="$WORK/data" SHORELOOP_DEMO=true QUARKUS_HTTP_PORT=$HTTP \
    java -Xmx512m -XX:+UseSerialGC -Dquarkus.profile=demo -jar target/quarkus-app/quarkus-run.jar > "$WORK/shoreloop.log" 2>&1 &
  PIDS+=($!)
  log "Mosquitto on $MQTT_PORT, Shoreloop on $HTTP (log $WORK/shoreloop.log)"
fi
for _ in $(seq 1 120); do
  curl -fs "$BASE/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$BASE/q/health/ready" >/dev/null || { log "Shoreloop at $BASE is not ready"; [ -n "$external" ] && tail -30 "$WORK/shoreloop.log"; exit 1; }

TOKEN=$(curl -fs "$BASE/api/v1/demo/tokens" | json '[u["token"] for u in d if u["subject"]=="demo-admin"][0]')
auth=(-H "Authorization: Bearer $TOKEN")
BERTH_B01=00000000-0000-0000-0004-000000000001
CALL=00000000-0000-0000-0008-000000000006 # Yu Container 1 at B01, still alongside
METER="MQ-$(date +%s)-$RANDOM"
curl -fs "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"code\":\"$METER\",\"berthId\":\"$BERTH_B01\",\"reportingIntervalS\":15}" "$BASE/api/v1/meters" > /dev/null
log "registered meter $METER at Guoyuan B01"

TOPIC="shorepower/v1/CQ-GY/B01/$METER/reading"
pub() { mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" -q 1 -t "$1" -m "$2"; }
t0=$(( $(date +%s) - 1800 ))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
reading() { # seq, kWh, breaker
  local vessel=""
  [ "$3" = true ] && vessel=',"vessel":"413800001"'
  printf '{"meter":"%s","seq":%d,"ts":"%s","energyKwh":%s,"breakerClosed":%s%s}' \
    "$METER" "$1" "$(iso $((t0 + 15 * $1)))" "$2" "$3" "$vessel"
}
kwh=(999.990 1000.000 1000.500 1001.250 0.100 0.600 0.600)
closed=(false false true true true true false)
for i in 0 1 2 3 4 5 6; do
  pub "$TOPIC" "$(reading $i ${kwh[$i]} ${closed[$i]})"
  [ $i -eq 3 ] && pub "$TOPIC" "$(reading $i ${kwh[$i]} ${closed[$i]})" # delivered twice
done
pub "$TOPIC" '{"meter": "'"$METER"'", "seq": 7, "ts": ' # malformed: not JSON
pub "$TOPIC" "$(reading 8 5.000 true | sed "s/\"meter\":\"$METER\"/\"meter\":\"CQ-GY-B01-M1\"/")" # names another meter
log "published 9 messages to $TOPIC"

sessions=""
for _ in $(seq 1 60); do
  sessions=$(curl -fs "${auth[@]}" "$BASE/api/v1/shorepower/sessions?berthId=$BERTH_B01&from=$(iso $t0)&size=500")
  [ "$(echo "$sessions" | json "len([s for s in d['items'] if s['meterCode']=='$METER' and s['status']=='CLOSED'])")" = 1 ] && break
  sleep 1
done
letters=$(curl -fs "${auth[@]}" "$BASE/api/v1/shorepower/dead-letters?meterCode=$METER")
session=$(echo "$sessions" | json "[s for s in d['items'] if s['meterCode']=='$METER']")
energy=$(echo "$sessions" | json "[(s['energyKwh'], s['status'], s['flags'], s['matchOutcome'], s['callId']) for s in d['items'] if s['meterCode']=='$METER']")
reasons=$(echo "$letters" | json "sorted(x['reason'].split(':')[0] for x in d['items'])")
echo "sessions of $METER: $session"
echo "dead letters of $METER: $(echo "$letters" | json "[(x['reason']) for x in d['items']]")"
expected="[(1.85, 'CLOSED', ['RESET'], 'MATCHED', '$CALL')]"
ok=1
[ "$energy" = "$expected" ] || { echo "FAIL: session $energy, expected $expected"; ok=0; }
[ "$reasons" = "['invalid-json', 'meter-mismatch']" ] || { echo "FAIL: dead letters $reasons, expected invalid-json and meter-mismatch"; ok=0; }
[ $ok = 1 ] && echo "OK: one CLOSED session of 1.850 kWh (flag RESET) matched to Yu Container 1's call $CALL; dead letters: invalid-json, meter-mismatch"
[ $ok = 1 ]
