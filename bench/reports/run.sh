#!/usr/bin/env bash
# P3 benchmark, closure part (../shared/docs/quality.md): starts the packaged Shoreloop on its embedded defaults (fresh
# data directory, demo data for the admin token), bulk-loads N generated manifests and their signed steps into its
# PostgreSQL with COPY (reproducible by seed; see ReportBench.java for the shape), rebuilds the closure read model,
# times the one-year x all-ports closure report over HTTP (p50/p95 over repeated calls) and cross-checks its figures
# against a plain SQL recount of the manifest tables in the same run; then generates a shore-power verdict for every
# call and sessions, times the one-month x all-ports shore-power KPI report and cross-checks it against a plain SQL
# recount of the verdict and session tables. Prints a table; --json for machines.
#
# Usage: bench/reports/run.sh [--manifests N (10000000)] [--calls C (200000)] [--readings M (100000000)] [--seed S (6)]
#                             [--runs R (50)] [--json] [--keep]
#   --readings loads M meter readings for the year (after the shore-power part's sessions, which they follow) before the
#   KPI report is timed; 0 skips them.
#   --keep leaves the data directory behind (its path is printed) instead of deleting it.
# SHORELOOP_APP_DIR runs a copy of the packaged application elsewhere (so that a build may go on meanwhile).
# The deadline watch is held off for the run (its first check is delayed a day): the generated year is long past
# every deadline and its open manifests are already marked overdue, so the watch would find nothing to do anyway.
# The compliance sweep is held off too: it would judge the generated calls (they have no verdicts until the
# shore-power part loads them) while a long load runs, and the verdict COPY would then meet its own rows. So is the
# shore-power rematch (its first run is 10 s after start, then a day later): it would take the generated calls'
# departures and re-derive the generated sessions while they load.
set -euo pipefail
cd "$(dirname "$0")/../.."
manifests=10000000; calls=200000; readings=100000000; seed=6; runs=50; json=""; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --manifests) manifests="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --readings) readings="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --json) json="--json"; shift ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/lib/embedded-shoreloop.sh
start_embedded_shoreloop SHORELOOP_MANIFEST_DEADLINE_CHECK=1h SHORELOOP_MANIFEST_DEADLINE_CHECK_DELAY=24h \
  SHORELOOP_COMPLIANCE_SWEEP_DELAY=24h SHORELOOP_SHOREPOWER_REMATCH_EVERY=24h
[ -z "$json" ] && echo "Shoreloop on :$port, $jdbc, $manifests manifests, $calls calls, seed $seed, $runs timed calls, $(nproc) cores"
java -Xmx2g -cp "$driver" bench/reports/ReportBench.java "http://127.0.0.1:$port" "$jdbc" "$manifests" "$seed" "$runs" $json --calls "$calls" --readings "$readings"
