# Sourced (bash) by run-demo.sh and bench/startup/run.sh: Shoreloop's start-up archive (README "Start-up and
# footprint"). Most of a start is loading and linking ~11,000 classes; the JVM can keep them, parsed (JDK 17-24: a
# dynamic CDS archive) or parsed and linked (JDK 25+: an AOT cache), in one file that the next starts map instead.
# The application is packaged with a plain class path (quarkus.package.jar.type=aot-jar), which the JVM's own class
# loader reads: with Quarkus's class loader (fast-jar) fewer classes came from the archive (11,128 of 17,113 against
# 14,934 of 17,066) and a start with it took 3.2 s against 2.45 s (bench/startup, README).
#
#   shoreloop_startup_archive APP_DIR ARCHIVE_DIR [JVM OPTION...]
#
# prints the JVM options that start APP_DIR/quarkus-run.jar with its archive, for the `java` on the PATH and those
# JVM options. The archive is named after all three (the JDK's version and path, the options, every jar's size and
# time), so a rebuilt application, another JDK or other options get their own. When it is missing, it is trained
# first: the application is started once on its embedded PostgreSQL and broker in a throwaway directory (nothing of
# the caller's configuration reaches it), asked whether it is ready, and stopped; the JVM writes the archive as it
# exits (about half a minute, once). Training that fails prints why on stderr and the options are empty: the
# application then starts without an archive, as it would anyway. Archives of other names in ARCHIVE_DIR are
# removed after a training succeeds. SHORELOOP_STARTUP_ARCHIVE=use uses an archive that is there but never trains one
# (the image, whose archive is trained when it is built); =off prints nothing and trains nothing.
#
# An archive the JVM cannot use (a JDK updated in place, a damaged file) is ignored by the JVM (-Xshare:auto, its
# default), and its messages about it are silenced: the start is then as slow as without one. Delete ARCHIVE_DIR to
# train again.

# shoreloop_java_version JAVA JAVA_HOME: the JDK's version without starting a JVM (its release file), else from
# `java -version`
shoreloop_java_version() {
  local release="$2/release"
  if [ -f "$release" ] && grep -q '^JAVA_VERSION=' "$release"; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$release" | head -1
  else
    "$1" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'
  fi
}

# the major version of a version string: 17.0.15 -> 17, 1.8.0_402 -> 8, 25 -> 25
shoreloop_java_major() {
  local v=$1
  case "$v" in 1.*) v=${v#1.} ;; esac
  echo "${v%%[!0-9]*}"
}

# HTTP GET of 127.0.0.1:PORT/PATH with bash alone (no curl on a machine with only a JDK); prints the status code
shoreloop_http_status() {
  local status
  {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    read -r -t 5 _ status _ <&3
    exec 3<&- 3>&-
  } 2>/dev/null
  echo "${status:-0}"
}

shoreloop_startup_archive() {
  local app_dir=$1 dir=$2
  shift 2
  local mode=${SHORELOOP_STARTUP_ARCHIVE:-on}
  [ "$mode" = off ] && return 0
  local java_bin java_home version major kind key file
  java_bin=$(command -v java) || return 0
  java_bin=$(readlink -f "$java_bin")
  java_home=$(dirname "$(dirname "$java_bin")")
  version=$(shoreloop_java_version "$java_bin" "$java_home")
  major=$(shoreloop_java_major "$version")
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    return 0
  fi
  # JDK 25 trains an AOT cache in one run (-XX:AOTCacheOutput); JDK 24's needs two, so it gets a CDS archive
  if [ "$major" -ge 25 ]; then kind=aot; else kind=jsa; fi
  key=$({
    echo "$version $java_bin $*"
    # the JDK's release file names its exact build (a package update in place keeps the version, not the build)
    cat "$java_home/release" 2>/dev/null
    cd "$app_dir" || exit
    # GNU stat, else BSD stat (macOS)
    stat -c '%n %s %Y' quarkus-run.jar app/* quarkus/* lib/boot/* lib/main/* 2>/dev/null \
      || stat -f '%N %z %m' quarkus-run.jar app/* quarkus/* lib/boot/* lib/main/* 2>/dev/null
  } | cksum | cut -d' ' -f1)
  mkdir -p "$dir" || return 0
  file="$(cd "$dir" && pwd)/shoreloop-$key.$kind"
  if [ ! -s "$file" ]; then
    [ "$mode" = use ] && return 0
    shoreloop_train_startup_archive "$app_dir" "$file" "$kind" "$@" || return 0
    find "$(dirname "$file")" -maxdepth 1 -name 'shoreloop-*.*' ! -name "$(basename "$file")" -delete 2>/dev/null || true
  fi
  if [ "$kind" = aot ]; then
    echo "-XX:AOTCache=$file -Xlog:aot=off,cds=off"
  else
    echo "-XX:SharedArchiveFile=$file -Xlog:cds=off,cds+dynamic=off"
  fi
}

# shoreloop_train_startup_archive APP_DIR FILE KIND [JVM OPTION...]: one start and stop that writes FILE
shoreloop_train_startup_archive() {
  local app_dir=$1 file=$2 kind=$3
  shift 3
  local work pid port="" status="" flag t0=$SECONDS t1
  work=$(mktemp -d "${TMPDIR:-/tmp}/shoreloop-archive.XXXXXX") || return 1
  if [ "$kind" = aot ]; then
    flag="-XX:AOTCacheOutput=$file.part -Xlog:aot=warning,cds=off"
  else
    flag="-XX:ArchiveClassesAtExit=$file.part -Xlog:cds=off,cds+dynamic=off"
  fi
  echo "[shoreloop] training the start-up archive for this JDK and build (once, about half a minute): $file" >&2
  # a clean environment: only what finds the JDK and a home; embedded infrastructure, a random HTTP port
  env -i PATH="$PATH" HOME="${HOME:-$work}" TMPDIR="${TMPDIR:-/tmp}" ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} \
    SHORELOOP_INFRA=embedded SHORELOOP_DATA_DIR="$work/data" QUARKUS_HTTP_PORT=0 \
    java "$@" $flag -Dquarkus.log.console.json.enabled=false -jar "$app_dir/quarkus-run.jar" >"$work/train.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 300 ]; do
    if [ -z "$port" ]; then
      port=$(sed -n 's/.*Listening on: http:\/\/[^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/train.log" | head -1)
    fi
    if [ -n "$port" ] && [ "$(shoreloop_http_status "$port" /q/health/ready)" = 200 ]; then
      status=ready
      # what a client's first requests load: the API description and a refused call
      shoreloop_http_status "$port" /q/openapi >/dev/null
      shoreloop_http_status "$port" /api/v1/manifests >/dev/null
      break
    fi
    sleep 0.5
  done
  kill -TERM "$pid" 2>/dev/null
  # the JVM writes the archive as it exits; a stop that hangs is not waited for beyond two minutes
  t1=$SECONDS
  while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - t1)) -lt 120 ]; do sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null && status=hung
  wait "$pid" 2>/dev/null
  if [ "$status" = ready ] && [ -s "$file.part" ]; then
    mv -f "$file.part" "$file"
    echo "[shoreloop] start-up archive trained in $((SECONDS - t0)) s" >&2
    rm -rf "$work"
    return 0
  fi
  rm -f "$file.part"
  echo "[shoreloop] the start-up archive could not be trained (starting without it); the training start's output:" >&2
  tail -20 "$work/train.log" >&2
  rm -rf "$work"
  return 1
}
