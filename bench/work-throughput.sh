#!/usr/bin/env bash
# Work-API throughput: 200 simulated volunteers (precomputed outputs, so the portal is the
# bottleneck) against a real portal, first on the embedded H2 database, then on PostgreSQL.
# Two phases on each: "saturated", every volunteer starting its next round trip as soon as the
# last one ends (the most round trips/s the portal gives; latency there is mostly queueing, since
# 200 requests are always waiting), then "paced", the same volunteers keeping a steady RATE of
# round trips/s together, like volunteers who compute between calls: the latency the portal
# answers with at that load. Prints round trips/s, lease, input and result latency (p50/p99) as the
# simulator saw them and as the portal timed them (its own histograms: the difference is the client,
# the network and, on one machine, the cores the simulator takes), the CPU each process used, and
# replicas per validated task. Timings are printed, never asserted.
#
#   bench/work-throughput.sh            # both databases
#   bench/work-throughput.sh h2         # or just one: h2 | postgres
#
# Knobs (environment): VOLUNTEERS=200 WARMUP=10s MEASURE=20s RATE=1000 TASKS=75000 ITEMS_PER_TASK=32
#   (enough work for both phases up to ~2,000 round trips/s saturated, 7.5 GB of inputs; the report
#   warns when volunteers were told there is no work)
#   PORTAL_JAR, SIM_JAR (default: the build outputs), PORTAL_JAVA_OPTS and SIM_JAVA_OPTS (e.g. a JFR recording),
#   PORTAL_ARGS (more portal settings, e.g. --pocketgrid.validation.server-check-rate=0),
#   SIM_NICE=10 (run the simulator at that niceness: it stands in for devices elsewhere, and on one
#   machine it takes a quarter of the cores from the portal and PostgreSQL it measures),
#   SETTLE=1 (after the upload, wait for PostgreSQL's checkpoint and the OS to write back what the 7.5 GB
#   upload left dirty, so the phases measure the work API and not the upload's aftermath),
#   KEEP_WORK=1 (keep logs), PG_HOST=127.0.0.1 PG_PORT=5432 PG_USER=postgres
#   PG_DB=test PG_SCHEMA=pocketgrid_bench. Needs java (JAVA_HOME honoured), curl, unzip; psql for PostgreSQL.
#
# The work: the bundled demo project, plus one "bench" project posted through the owner API with
# the demo model and the demo images repeated up to TASKS tasks of ITEMS_PER_TASK images each.
set -euo pipefail
cd "$(dirname "$0")/.."

VOLUNTEERS=${VOLUNTEERS:-200}
WARMUP=${WARMUP:-10s}
MEASURE=${MEASURE:-20s}
TASKS=${TASKS:-75000}
RATE=${RATE:-1000}
ITEMS_PER_TASK=${ITEMS_PER_TASK:-32}
PORTAL_JAR=${PORTAL_JAR:-portal/target/pocketgrid-portal.jar}
SIM_JAR=${SIM_JAR:-volunteer-sim/target/pocketgrid-sim.jar}
PG_HOST=${PG_HOST:-127.0.0.1} PG_PORT=${PG_PORT:-5432} PG_USER=${PG_USER:-postgres} PG_DB=${PG_DB:-test}
# not pg_bench: PostgreSQL reserves the pg_ prefix for system schemas
PG_SCHEMA=${PG_SCHEMA:-pocketgrid_bench}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
DEMO=portal/src/main/resources/demo

# lets the bench read the portal's writer meters (/actuator/prometheus is for operators)
OPERATOR_TOKEN=bench-operator-$(od -An -tx8 -N16 /dev/urandom | tr -d " \n")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pocketgrid-bench.XXXXXX")
PORTAL_PID=
SUMMARY=()

cleanup() {
    stop_portal
    if [[ " ${DATABASES[*]:-} " == *" postgres "* ]]; then
        psql_run "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
    fi
    if [[ -n ${KEEP_WORK:-} ]]; then echo "kept $WORK (portal logs, data)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { printf '\n== %s\n' "$*"; }

# Builds only what is missing: the portal jar needs the full package, the simulator jar only its module.
build_if_missing() {
    if [[ ! -f $PORTAL_JAR ]]; then
        log "building the portal ($PORTAL_JAR is missing)"
        ./mvnw -q -DskipTests package
    elif [[ ! -f $SIM_JAR ]]; then
        log "building the simulator ($SIM_JAR is missing)"
        ./mvnw -q -DskipTests -pl volunteer-sim -am package
    fi
}

# The demo images repeated into $WORK/inputs.npy: same .npy header length, only the item count changes.
make_inputs() {
    local src=$DEMO/inputs.npy items=$((TASKS * ITEMS_PER_TASK))
    local copies=$(((items + 1999) / 2000)) b
    b=($(od -An -tu1 -j8 -N2 "$src"))
    local hlen=$((b[0] + 256 * b[1]))
    local dict
    dict=$(dd if="$src" bs=1 skip=10 count="$hlen" 2>/dev/null)
    dict=${dict/\'shape\': (2000,/\'shape\': ($((copies * 2000)),}
    {
        head -c 10 "$src"
        printf '%-*s\n' $((hlen - 1)) "$(printf '%s' "$dict" | sed 's/ *$//')"
        for ((i = 0; i < copies; i++)); do tail -c +$((11 + hlen)) "$src"; done
    } >"$WORK/inputs.npy"
}

psql_run() {
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c "$1"
}

# start_portal NAME ARGS… — starts the portal jar on a free port with its own data directory; sets URL.
start_portal() {
    local name=$1
    shift
    DATA=$WORK/$name
    mkdir -p "$DATA"
    : >"$DATA/portal.log"
    # the bench's inputs are larger than the default 2 GB upload limit; one demo project (the image
    # classifier), so runs stay comparable with those before the text and int8 demos
    POCKETGRID_OPERATOR_TOKEN=$OPERATOR_TOKEN "$JAVA" ${PORTAL_JAVA_OPTS:-} -Dai.djl.offline=true -jar "$PORTAL_JAR" --server.port=0 --pocketgrid.data-dir="$DATA" \
        --pocketgrid.demo-workloads=false --pocketgrid.demo-rounds.enabled=false --pocketgrid.upload.max-input-bytes=8000000000 --spring.servlet.multipart.max-file-size=8000MB \
        --spring.servlet.multipart.max-request-size=8100MB ${PORTAL_ARGS:-} "$@" \
        >"$DATA/portal.log" 2>&1 &
    PORTAL_PID=$!
    for _ in $(seq 1 240); do
        if grep -q "PocketGrid is running at" "$DATA/portal.log"; then
            URL=$(grep -o "running at http://localhost:[0-9]*" "$DATA/portal.log" | head -1 | sed 's/running at //')
            echo "portal ($name) at $URL, log $DATA/portal.log"
            return
        fi
        if ! kill -0 "$PORTAL_PID" 2>/dev/null; then
            tail -30 "$DATA/portal.log"
            echo "the portal did not start" >&2
            exit 1
        fi
        sleep 1
    done
    echo "the portal did not start within 4 minutes" >&2
    exit 1
}

stop_portal() {
    if [[ -n $PORTAL_PID ]] && kill -0 "$PORTAL_PID" 2>/dev/null; then
        kill "$PORTAL_PID"
        wait "$PORTAL_PID" 2>/dev/null || true
    fi
    PORTAL_PID=
}

# An owner account, a token, and the bench project posted through the owner API.
post_bench_project() {
    local user=bench-owner password=bench-password-$RANDOM$RANDOM token
    curl -sf -X POST "$URL/api/v1/accounts" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$user\",\"password\":\"$password\"}" >/dev/null || { echo "sign-up failed" >&2; exit 1; }
    token=$(curl -sf -X POST "$URL/api/v1/auth/tokens" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$user\",\"password\":\"$password\",\"name\":\"bench\"}" |
        sed 's/.*"token":"\([^"]*\)".*/\1/')
    curl -sf -X POST "$URL/api/v1/projects" -H "Authorization: Bearer $token" \
        -F "model=@$DEMO/cnn.onnx" -F "inputs=@$WORK/inputs.npy" \
        -F "settings={\"name\":\"Throughput bench\",\"inputsPerTask\":$ITEMS_PER_TASK};type=application/json" \
        >"$WORK/project.json" || { echo "posting the bench project failed" >&2; exit 1; }
    echo "posted the bench project: $(grep -o '"items":[0-9]*' "$WORK/project.json"),$(grep -o '"tasks":[0-9]*' "$WORK/project.json")"
}

# validated tasks and the results they received (every replica, agreeing or not); then the same for
# the later half of the validated tasks, when the volunteers are trusted (adaptive replication)
REPLICAS_SQL="SELECT COUNT(DISTINCT t.id) || ' ' || COUNT(r.id) FROM task t JOIN result r ON r.task_id = t.id
  WHERE t.status = 'VALIDATED'"
TRUSTED_SQL="SELECT COUNT(DISTINCT t.id) || ' ' || COUNT(r.id) FROM task t JOIN result r ON r.task_id = t.id
  WHERE t.status = 'VALIDATED' AND t.id > (SELECT (MIN(id) + MAX(id)) / 2 FROM task WHERE status = 'VALIDATED')"

replicas_line() {
    awk '{ printf "%d validated tasks, %d results: %.2f replicas per validated task", $1, $2, $1 ? $2 / $1 : 0 }'
}

# CPU time (ms) a process has used, from /proc; for PostgreSQL the sum over its processes (backends
# included), or 0 when the server is not on this machine
cpu_ms() {
    local tck
    tck=$(getconf CLK_TCK)
    if [[ $1 == postgres ]]; then
        # shellcheck disable=SC2046
        awk -v t="$tck" '{ s += $14 + $15 } END { printf "%d", s * 1000 / t }' \
            $(pgrep -x postgres | sed 's|.*|/proc/&/stat|') /dev/null 2>/dev/null || echo 0
    else
        awk -v t="$tck" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$1/stat" 2>/dev/null || echo 0
    fi
}

# The writers' batches as the portal's own meters saw them (Prometheus endpoint, operator token):
# batches, mean batch size and mean batch time since the portal started
writer_line() {
    curl -sf -H "Authorization: Bearer $OPERATOR_TOKEN" "$URL/actuator/prometheus" 2>/dev/null | awk '
        /^pocketgrid_writer_batch_size_count/ { match($0, /writer="[^"]*"/); w = substr($0, RSTART + 8, RLENGTH - 9); n[w] = $NF }
        /^pocketgrid_writer_batch_size_sum/ { match($0, /writer="[^"]*"/); w = substr($0, RSTART + 8, RLENGTH - 9); s[w] = $NF }
        /^pocketgrid_writer_batch_duration_seconds_sum/ { match($0, /writer="[^"]*"/); w = substr($0, RSTART + 8, RLENGTH - 9); d[w] = $NF }
        END { for (w in n) if (n[w] > 0) printf "  writer %-14s %8d batches, %6.1f writes and %6.1f ms per batch (mean since start)\n", w, n[w], s[w] / n[w], d[w] * 1000 / n[w] }'
}

# The worker calls' histogram buckets as the portal timed them (pocketgrid_work_calls_seconds)
calls_scrape() {
    curl -sf -H "Authorization: Bearer $OPERATOR_TOKEN" "$URL/actuator/prometheus" 2>/dev/null |
        grep '^pocketgrid_work_calls_seconds_bucket' || true
}

# calls_line BEFORE AFTER — p50 and p99 of lease, input and result between two scrapes, as the portal
# timed them (from its request's start to its answer: no client, no network), interpolated within the
# histogram's buckets the way Prometheus' histogram_quantile does
calls_line() {
    awk '
        function le(line) { match(line, /le="[^"]*"/); return substr(line, RSTART + 4, RLENGTH - 5) }
        function call(line) { match(line, /call="[^"]*"/); return substr(line, RSTART + 6, RLENGTH - 7) }
        FNR == NR { before[call($0) "/" le($0)] = $NF; next }
        { k = call($0) "/" le($0); d[k] = $NF - before[k]; if (le($0) != "+Inf") bounds[call($0)] = bounds[call($0)] " " le($0) }
        function q(c, p,    n, b, i, total, cum, prev, lo, hi) {
            total = d[c "/+Inf"]; if (total <= 0) return "-"
            n = split(bounds[c], b, " "); prev = 0; lo = 0
            for (i = 1; i <= n; i++) {
                cum = d[c "/" b[i]]
                if (cum >= p * total) { hi = b[i]; return sprintf("%.1f", 1000 * (lo + (hi - lo) * (p * total - prev) / (cum - prev))) }
                prev = cum; lo = b[i]
            }
            return ">" sprintf("%.0f", 1000 * lo)
        }
        END { printf "  as the portal timed   lease %s / %s, input %s / %s, result %s / %s (ms, p50 / p99)\n",
              q("lease", 0.5), q("lease", 0.99), q("input", 0.5), q("input", 0.99), q("result", 0.5), q("result", 0.99) }
    ' "$1" "$2"
}

# simulate NAME [ARGS…] — runs the simulator against $URL, keeps its report in $WORK/NAME.report, and
# adds the CPU each process used per round trip (portal, PostgreSQL, the simulator itself: on one
# machine they share the cores, so a round trip's cost is the sum)
simulate() {
    local name=$1
    shift
    log "$name: $VOLUNTEERS volunteers $*"
    local portal0 pg0 sim0 sim_pid t0
    t0=$(date +%s%3N)
    portal0=$(cpu_ms "$PORTAL_PID")
    pg0=$(cpu_ms postgres)
    nice -n "${SIM_NICE:-0}" "$JAVA" ${SIM_JAVA_OPTS:-} -jar "$SIM_JAR" --url "$URL" --volunteers "$VOLUNTEERS" --precomputed \
        --duration "$MEASURE" --until-idle 10s --poll 500ms "$@" >"$WORK/$name.report" &
    sim_pid=$!
    # the portal's histograms once the simulator's warm-up is over, and again when it has stopped
    local warm
    warm=$(printf '%s\n' "$@" | awk 'p { sub(/s$/, ""); print; exit } $0 == "--warmup" { p = 1 }')
    (sleep "${warm:-0}"; calls_scrape >"$WORK/$name.calls0") &
    local scrape_pid=$!
    # the simulator's CPU is read just before it exits (tail -f ends with it)
    tail -f --pid="$sim_pid" "$WORK/$name.report" &
    local tail_pid=$! sim_ms=0
    while kill -0 "$sim_pid" 2>/dev/null; do
        sim0=$(cpu_ms "$sim_pid")
        [[ -n $sim0 && $sim0 != 0 ]] && sim_ms=$sim0
        sleep 0.5
    done
    wait "$sim_pid"
    wait "$tail_pid" 2>/dev/null || true
    wait "$scrape_pid" 2>/dev/null || true
    calls_scrape >"$WORK/$name.calls1"
    local rts wall
    wall=$(($(date +%s%3N) - t0))
    rts=$(awk '/round trips\/s/ {print $3}' "$WORK/$name.report")
    if [[ -n $rts ]]; then
        # cores busy over the simulator's whole run (warm-up included), per round trip/s measured
        awk -v p=$(($(cpu_ms "$PORTAL_PID") - portal0)) -v g=$(($(cpu_ms postgres) - pg0)) -v s="$sim_ms" -v w="$wall" -v r="$rts" \
            'BEGIN { printf "  CPU (cores busy)       portal %.2f, PostgreSQL %.2f, simulator %.2f; ms per round trip %.2f, %.2f, %.2f\n", p / w, g / w, s / w, p / w * 1000 / r, g / w * 1000 / r, s / w * 1000 / r }' |
            tee -a "$WORK/$name.report"
    fi
    [[ -s $WORK/$name.calls0 ]] && calls_line "$WORK/$name.calls0" "$WORK/$name.calls1" | tee -a "$WORK/$name.report"
    writer_line | tee -a "$WORK/$name.report"
    # a volunteer told "no work" waits a poll interval: the figure then understates the portal
    if grep -q "stopped: no work" "$WORK/$name.report" || ! grep -q "no work (lease 204) *0$" "$WORK/$name.report"; then
        echo "warning: the work ran out during the measured phase; raise TASKS for a full one"
    fi
}

# both phases against $URL: saturated (with the JIT warm-up), then paced at $RATE
# (the paced phase goes on as the same, by then trusted, volunteers)
simulate_phases() {
    simulate "$1" --warmup "$WARMUP" --volunteers-file "$WORK/$1.volunteers"
    simulate "$1-paced" --warmup 5s --rate "$RATE" --volunteers-file "$WORK/$1.volunteers"
}

# summarize NAME REPLICAS-LINE — the final table's lines for both phases
summarize() {
    local name rts lease result
    for name in "$1" "$1-paced"; do
        local r=$WORK/$name.report
        rts=$(awk '/round trips\/s/ {print $3}' "$r")
        lease=$(awk '$1 == "lease" {printf "%s / %s", $3, $5}' "$r")
        result=$(awk '$1 == "result" {printf "%s / %s", $3, $5}' "$r")
        local input
        input=$(awk '$1 == "input" {printf "%s / %s", $3, $5}' "$r")
        local own
        own=$(awk '/as the portal timed/ { gsub(/,/, ""); printf "%s / %s / %s", $8, $12, $16 }' "$r")
        SUMMARY+=("$(printf '%-16s %12s %16s %16s %16s %22s   %s' "$name" "$rts" "$lease" "$input" "$result" "${own:--}" "$2")")
    done
}

run_h2() {
    start_portal h2
    post_bench_project
    simulate_phases h2
    stop_portal
    unzip -q -o -j "$PORTAL_JAR" 'BOOT-INF/lib/h2-*.jar' -d "$WORK/h2lib"
    local replicas
    local h2=("$JAVA" -cp "$(ls "$WORK"/h2lib/h2-*.jar | head -1)" org.h2.tools.Shell
        -url "jdbc:h2:file:$WORK/h2/pocketgrid" -user sa -password "")
    replicas=$("${h2[@]}" -sql "$REPLICAS_SQL" | sed -n 2p | replicas_line)
    replicas="$replicas; later half: $("${h2[@]}" -sql "$TRUSTED_SQL" | sed -n 2p | replicas_line)"
    echo "$replicas"
    summarize h2 "$replicas"
    [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK/h2"
}

run_postgres() {
    psql_run "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE; CREATE SCHEMA $PG_SCHEMA" >/dev/null
    POCKETGRID_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB?currentSchema=$PG_SCHEMA" \
        POCKETGRID_DB_USER=$PG_USER start_portal postgres --spring.profiles.active=postgres \
        --spring.flyway.schemas="$PG_SCHEMA"
    post_bench_project
    if [[ -n ${SETTLE:-} ]]; then
        log "settling: CHECKPOINT and sync after the upload"
        psql_run "CHECKPOINT" >/dev/null
        sync
    fi
    simulate_phases postgres
    stop_portal
    local replicas
    replicas=$(PGOPTIONS="-c search_path=$PG_SCHEMA" psql_run "$REPLICAS_SQL" | replicas_line)
    replicas="$replicas; later half: $(PGOPTIONS="-c search_path=$PG_SCHEMA" psql_run "$TRUSTED_SQL" | replicas_line)"
    echo "$replicas"
    summarize postgres "$replicas"
    psql_run "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null
    [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK/postgres"
}

DATABASES=("${@:-h2 postgres}")
DATABASES=(${DATABASES[*]})
build_if_missing
make_inputs
for db in "${DATABASES[@]}"; do
    case $db in
        h2) run_h2 ;;
        postgres) run_postgres ;;
        *) echo "unknown database '$db' (h2 | postgres)" >&2; exit 2 ;;
    esac
done

log "summary ($VOLUNTEERS volunteers, precomputed outputs, $(nproc) cores; each phase $MEASURE measured, saturated after a $WARMUP warm-up, paced at $RATE round trips/s after 5s)"
printf '%-16s %12s %16s %16s %16s %22s   %s\n' phase "round trips/s" "lease p50/p99" "input p50/p99" "result p50/p99" \
    "portal's own p99 l/i/r" "replicas (both phases)"
printf '%s\n' "${SUMMARY[@]}"
