#!/usr/bin/env bash
# PostgreSQL's CPU for one manifest step's statements (bench/step-sql/StepSql.java): joined statements (what
# Shoreloop sends) against one statement of CTEs, and with synchronous_commit on against off (the CPU a commit's WAL
# flush costs). Starts the packaged Shoreloop on a fresh embedded data directory with the demo data (for the schema
# and one manifest to copy), runs the statements on one connection of its PostgreSQL, then removes everything.
# Usage: bench/step-sql/run.sh [STEPS per shape and round = 2000] [--json]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-2000}"; json="${2:-}"
. bench/lib/embedded-shoreloop.sh
start_embedded_shoreloop
[ -z "$json" ] && echo "PostgreSQL $jdbc, $steps steps per shape and round, 3 rounds, $(nproc) cores"
java -Dclk.tck="$(getconf CLK_TCK)" -cp "$driver" bench/step-sql/StepSql.java "$jdbc" "$steps" $json
