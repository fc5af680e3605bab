#!/usr/bin/env bash
# Issue 15's library checks; prints, asserts nothing.
#   bench/libs/run.sh lock h2|pg   JdbcLockRegistry against LedgerLock's guarantees (pg: the local
#                                  PostgreSQL, db test, user postgres; works in a schema lockprobe it drops)
#   bench/libs/run.sh rate [SECONDS]  TokenBuckets vs resilience4j-ratelimiter: ns/call, heap/key, bursts
# Maven options such as a local repository may come through MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVAC=${JAVA_HOME:+$JAVA_HOME/bin/}javac
OUT=$(mktemp -d "${TMPDIR:-/tmp}/pocketgrid-libs.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
../../mvnw -B -q -ntp ${MAVEN_ARGS:-} dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CP=$(cat "$OUT/cp.txt")
"$JAVAC" -nowarn -d "$OUT/classes" -cp "$CP" LockProbe.java RateBench.java \
    ../../portal/src/main/java/io/pocketgrid/portal/api/TokenBuckets.java
case "${1:-}" in
    lock) "$JAVA" -cp "$OUT/classes:$CP" LockProbe "${2:-h2}" ;;
    rate) "$JAVA" -Xms1g -Xmx1g -cp "$OUT/classes:$CP" RateBench "${2:-3}" ;;
    *) echo "usage: $0 lock h2|pg | rate [SECONDS]" >&2; exit 2 ;;
esac
