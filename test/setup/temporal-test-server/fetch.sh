#!/usr/bin/env bash
# Installs Temporal's time-skipping test server outside the clone, once per machine, and prints its
# path: the Java SDK's TestServer (from Maven Central, with mvn) behind a small launcher script.
# @temporalio/testing would download a native build of it; on machines that reach only package
# registries this is the way. Needs Java 17+ and Maven. A class-data-sharing archive of its startup
# classes cuts the JVM's start from ~4 s to ~1 s (the SDK gives a test server 5 s to answer).
# The workflow tests find it at the printed path (or TEMPORAL_TEST_SERVER_PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's:.*<version>\([0-9.]*\)</version>.*:\1:p' "$here/pom.xml" | tail -1)"
dir="${REFINERY_TOOLS:-$HOME/.cache/refinery-tools}/temporal-test-server-$version"
launcher="$dir/temporal-test-server"
jvm=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$dir/lib/*")
if [ ! -x "$launcher" ]; then
  command -v java >/dev/null || { echo "fetch.sh: java (17+) is needed to run the Temporal test server" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "fetch.sh: mvn is needed to fetch the Temporal test server from Maven Central" >&2; exit 1; }
  mkdir -p "$dir"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/lib" >&2

  # The classes a start loads (the server never exits on its own: stop it once it listens), then the archive.
  port=$((20000 + RANDOM % 20000))
  java "${jvm[@]}" -XX:DumpLoadedClassList="$dir/classes.lst" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  java "${jvm[@]}" -Xshare:dump -XX:SharedClassListFile="$dir/classes.lst" -XX:SharedArchiveFile="$dir/startup.jsa" >/dev/null 2>&1 ||
    echo "fetch.sh: no class-data-sharing archive (the server starts, only slower)" >&2

  cat > "$launcher.tmp" <<LAUNCHER
#!/bin/sh
# Temporal test server $version (io.temporal:temporal-test-server): time-skipping Temporal for workflow tests.
# Usage: temporal-test-server <port>
dir="\$(dirname "\$0")"
exec java -XX:SharedArchiveFile="\$dir/startup.jsa" -Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "\$dir/lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
  chmod +x "$launcher.tmp"
  mv "$launcher.tmp" "$launcher"
fi
echo "$launcher"
