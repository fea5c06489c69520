#!/usr/bin/env bash
# Starts Shoreloop with its embedded defaults (a real PostgreSQL 17 and a real HiveMQ CE broker, data kept in
# SHORELOOP_DATA_DIR, default ~/.shoreloop) and the demo data, and prints where to click and a token per demo user.
# Needs only a JDK 17+. Builds the application first when the sources are newer than the last build.
# Options are passed to Shoreloop: --wipe-data starts from an empty data directory.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -type f -print -quit)" ]; then
  echo "[shoreloop] building (first run: Maven downloads its dependencies, a few minutes)..."
  ./mvnw -B -q package -DskipTests
fi
export SHORELOOP_DEMO="${SHORELOOP_DEMO:-true}"
# JVM options: those Shoreloop is shipped with (src/main/bin/java-options, with the reason for each); JAVA_OPTS
# replaces them
. src/main/bin/java-options.sh
opts="${JAVA_OPTS:-$(shoreloop_java_options)}"
# two malloc arenas instead of glibc's 8 per core: ~8 MB less idle memory (README "Start-up and footprint")
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# the start-up archive: trained once per build and JDK (about half a minute), then every start maps it
# (README "Start-up and footprint"; SHORELOOP_STARTUP_ARCHIVE=off starts without)
. src/main/bin/startup-archive.sh
archive=$(shoreloop_startup_archive target/quarkus-app target/quarkus-app/startup-archive $opts)
exec java $opts $archive -Dquarkus.profile=demo -jar "$jar" "$@"
