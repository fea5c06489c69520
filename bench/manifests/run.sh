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
# SHORELOOP_BENCH_JAVA_OPTS adds JVM options to the shipped ones (the serial collector, 1 GB heap; e.g. a JFR recording
# to profile it; naming another collector replaces the serial one).
set -euo pipefail
cd "$(dirname "$0")/../.."
clients="${1:-16}"; seconds="${2:-30}"; json="${3:-}"
. bench/lib/embedded-shoreloop.sh
start_embedded_shoreloop SHORELOOP_MANIFEST_DEADLINE_CHECK=1h
[ -z "$json" ] && echo "Shoreloop on :$port, $jdbc, $clients clients, ${seconds}s per run, $(nproc) cores"
# the embedded PostgreSQL's postmaster (its children are the backends), for the CPU time per step
pm=$(head -1 "$(find "$data" -name postmaster.pid | head -1)" 2>/dev/null || echo -1)
java -Dapp.pid=$app -Dpostgres.pid="$pm" -Dclk.tck="$(getconf CLK_TCK)" \
  -Dbench.calls="${BENCH_CALLS:-400}" -Dbench.manifests-per-call="${BENCH_MANIFESTS_PER_CALL:-4}" \
  -Dwarmup="${BENCH_WARMUP_SECONDS:-240}" -Dwarmup.max="${BENCH_WARMUP_MAX_SECONDS:-600}" -cp "$driver" bench/manifests/ManifestBench.java "http://127.0.0.1:$port" "$jdbc" "$clients" "$seconds" $json
