#!/usr/bin/env bash
# Browser benchmark: the volunteer worker in headless Chromium against the packaged portal.
# Prints (a) the time from opening the home page to the first result submitted (median of RUNS,
# a fresh profile each), (b) the tasks/min of one browser with N workers over WINDOW seconds and
# the ratio to one worker, (c) the size of the worker's files compressed. Figures, never asserted.
#
#   bench/browser.sh
#
# Knobs (environment): RUNS=3 WINDOW=15 WORKERS="1,2,$(nproc)" COPIES=32 (the throughput project:
# the 2,000 demo images repeated COPIES times, 32 a task like the demo, replication 1; raise it if a
# run warns that the work ran out), PORTAL_JAR (default: the build output).
# Needs java (JAVA_HOME honoured), Debian's chromium + chromium-driver, gzip, unzip. Maven options such as
# a local repository may come through MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
WINDOW=${WINDOW:-15}
WORKERS=${WORKERS:-1,2,$(nproc)}
COPIES=${COPIES:-32}
PORTAL_JAR=${PORTAL_JAR:-portal/target/pocketgrid-portal.jar}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pocketgrid-browser-bench.XXXXXX")
PORTAL_PID=
cleanup() {
    if [[ -n $PORTAL_PID ]] && kill -0 "$PORTAL_PID" 2>/dev/null; then
        kill "$PORTAL_PID"
        wait "$PORTAL_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '\n== %s\n' "$*"; }

if [[ ! -f $PORTAL_JAR ]]; then
    log "building the portal ($PORTAL_JAR is missing)"
    ./mvnw -q -B -DskipTests package
fi
log "compiling the benchmark driver and its classpath"
./mvnw -q -B -pl portal test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt"

"$JAVA" -Dai.djl.offline=true -jar "$PORTAL_JAR" --server.port=0 --pocketgrid.data-dir="$WORK/data" \
    --pocketgrid.ledger.enabled=false >"$WORK/portal.log" 2>&1 &
PORTAL_PID=$!
URL=
for _ in $(seq 1 240); do
    URL=$(grep -o "running at http://localhost:[0-9]*" "$WORK/portal.log" | head -1 | sed 's/running at //') || true
    [[ -n $URL ]] && break
    kill -0 "$PORTAL_PID" 2>/dev/null || { tail -30 "$WORK/portal.log"; echo "the portal did not start" >&2; exit 1; }
    sleep 1
done
[[ -n $URL ]] || { echo "the portal did not start within 4 minutes" >&2; exit 1; }
log "portal at $URL ($(nproc) cores, $(chromium --version 2>/dev/null | head -1))"

"$JAVA" -cp "portal/target/test-classes:$(cat "$WORK/cp.txt")" io.pocketgrid.portal.bench.BrowserBench \
    "$URL" "$RUNS" "$WINDOW" "$WORKERS" "$COPIES"

log "(c) worker files as the jar serves them, gzip -9 (a browser loads one build: WebAssembly-GC or JavaScript)"
unzip -q -o -j "$PORTAL_JAR" 'BOOT-INF/lib/pocketgrid-browser-worker-*.jar' -d "$WORK/lib"
unzip -q -o "$WORK"/lib/pocketgrid-browser-worker-*.jar 'META-INF/resources/worker/*' -d "$WORK/bw"
WORKER_BUILD=$WORK/bw/META-INF/resources/worker
total() { local sum=0 f; for f in "$@"; do sum=$((sum + $(gzip -9c "$f" | wc -c))); done; echo "$sum"; }
common=("$WORKER_BUILD"/{worker-boot.js,contribute.js,leases.js,model-cache.js,engine.js,kernels-relaxed.wasm})
printf '%-44s %10s\n' file "gzip bytes"
for f in "${common[@]}" "$WORKER_BUILD"/{wasm-gc-runtime.js,volunteer-worker.wasm,volunteer-worker.js}; do
    printf '%-44s %10d\n' "${f#"$WORKER_BUILD"/}" "$(gzip -9c "$f" | wc -c)"
done
printf '%-44s %10d\n' "total, WebAssembly-GC build" "$(total "${common[@]}" "$WORKER_BUILD"/{wasm-gc-runtime.js,volunteer-worker.wasm})"
printf '%-44s %10d\n' "total, JavaScript build" "$(total "${common[@]}" "$WORKER_BUILD/volunteer-worker.js")"
