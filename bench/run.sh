#!/usr/bin/env bash
# The one command: measures Flowdesk on one database at one scale and writes a Markdown table.
#
#   bench/run.sh --database sqlite|postgres --scale tiny|small|large [--seconds 10] [--clients 1,16,64]
#                [--server DIR] [--out DIR] [--keep] [--reuse DATA_DIR] [--smoke] [--intake-only] [--no-intake]
#
# Steps: publish the server (or use --server DIR, a `dotnet publish` output), make an empty database (a private
# PostgreSQL cluster under bench/.data for postgres), start Flowdesk on it once so its own migrations and seeding
# create the schema, desks, groups and demo accounts (Demo=true, DemoTickets=0), stop it, bulk-load the generated
# organisation, start it again (timing start-up to /health/ready), measure the ceilings (pgbench or a SQLite loop),
# drive the load, stop everything and write OUT/table.md (default bench/results/<database>-<scale>-<time>/).
# --reuse DATA_DIR: measure again on a database kept by an earlier --keep run (bench/.data/…), without loading.
# --smoke: a few seconds per phase, fails only when the bench or the server breaks (never on speed).
# After the load, email intake (issue 5): messages in a private Dovecot's mailbox fetched and processed by the server's
# own mail.poll job (Flowdesk.Bench mail-intake); it adds its tickets, comments and requesters to the database.
# --intake-only: only that phase (after loading, or on --reuse); --no-intake: without it (e.g. to keep a reused database as it is).
# Everything runs on 127.0.0.1; every process started here is stopped by its PID on exit; data is removed
# unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off DEBIAN_FRONTEND=noninteractive

DATABASE=sqlite SCALE=tiny SECONDS_PER_PHASE=10 CLIENTS=1,16,64 SERVER_DIR="" OUT="" KEEP=0 SMOKE=0 REUSE="" INTAKE=1 INTAKE_ONLY=0
while (($#)); do
    case "$1" in
        --database) DATABASE=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --seconds) SECONDS_PER_PHASE=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --server) SERVER_DIR=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --smoke) SMOKE=1; shift ;;
        --intake-only) INTAKE_ONLY=1; shift ;;
        --no-intake) INTAKE=0; shift ;;
        --reuse) REUSE=$(cd "$2" && pwd); KEEP=1; shift 2 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ $DATABASE == sqlite || $DATABASE == postgres ]] || { echo "run.sh: --database sqlite|postgres" >&2; exit 2; }
[[ $SCALE == tiny || $SCALE == small || $SCALE == large ]] || { echo "run.sh: --scale tiny|small|large" >&2; exit 2; }
COMMAND="bench/run.sh --database $DATABASE --scale $SCALE --seconds $SECONDS_PER_PHASE --clients $CLIENTS"
[[ -n $REUSE ]] && COMMAND+=" --reuse ${REUSE#"$ROOT"/}"
((SMOKE)) && COMMAND+=" --smoke"
((INTAKE_ONLY)) && COMMAND+=" --intake-only"
((INTAKE)) || COMMAND+=" --no-intake"

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/bench/results/$DATABASE-$SCALE-$STAMP}
DATA=${REUSE:-$ROOT/bench/.data/$DATABASE-$SCALE-$STAMP-$$}
mkdir -p "$OUT" "$DATA"
say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------ cleanup: only what this script started
SERVER_PID="" PG_DATA=""
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() {
    stop_server
    if [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    ((KEEP)) || rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { local p=$1; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }

# ------------------------------------------------------------------ packages, build, publish
if [[ $DATABASE == postgres && ! -x "$PG_BIN/initdb" ]]; then
    say "installing postgresql"
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# Email intake needs Dovecot (IMAP, and LMTP to deliver the messages), as the mail tests do; installed like PostgreSQL.
if ((INTAKE)) && [[ ! -x /usr/lib/dovecot/imap || ! -x /usr/lib/dovecot/lmtp ]] && [[ $(id -u) == 0 ]]; then
    say "installing dovecot-imapd dovecot-lmtpd (email intake)"
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends dovecot-imapd dovecot-lmtpd >/dev/null || true
fi

say "building the bench"
dotnet build bench/Flowdesk.Bench -c Release -nologo -v quiet -o "$DATA/bench" >"$DATA/build.log" 2>&1 ||
    { cat "$DATA/build.log" >&2; echo "run.sh: the bench did not build" >&2; exit 1; }
BENCH=(dotnet "$DATA/bench/Flowdesk.Bench.dll")
if [[ -z $SERVER_DIR ]]; then
    # ReadyToRun (ahead-of-time compiled code in the assemblies) as a production install would publish it: it
    # takes start-up on the large database from about 4.6 s to about 3 s, since the JIT no longer compiles EF
    # Core and the app on the first requests. The smoke run skips it (it adds minutes to the publish).
    PUBLISH_ARGS=()
    ((SMOKE)) || PUBLISH_ARGS=(-r "linux-$(dotnet --info | awk '/^ *Architecture:/ {print $2; exit}')" --self-contained false -p:PublishReadyToRun=true)
    say "publishing the server (Release${PUBLISH_ARGS:+, ReadyToRun})"
    SERVER_DIR=$DATA/server
    dotnet publish src/Flowdesk.Web -c Release "${PUBLISH_ARGS[@]}" -nologo -v quiet -o "$SERVER_DIR" >"$DATA/publish.log" 2>&1 ||
        { cat "$DATA/publish.log" >&2; echo "run.sh: the server did not publish" >&2; exit 1; }
fi
SERVER_DIR=$(cd "$SERVER_DIR" && pwd)

# ------------------------------------------------------------------ the database
PG_VERSION=""
if [[ $DATABASE == postgres ]]; then
    PG_PORT=$(free_port 56432)
    PG_DATA=$DATA/pg
    if [[ -z $REUSE ]]; then
        mkdir -p "$PG_DATA" && chown -R postgres:postgres "$DATA"
        runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -E UTF8 --locale=C.UTF-8 -U postgres -A trust >"$DATA/initdb.log" 2>&1 ||
            { cat "$DATA/initdb.log" >&2; exit 1; }
    fi
    # Durable settings (fsync and synchronous_commit stay on); memory sized for a 2-core box with plenty of RAM.
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$DATA/pg.log" -w -t 60 \
        -o "-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=16MB -c max_wal_size=8GB -c checkpoint_timeout=30min" \
        start >/dev/null || { cat "$DATA/pg.log" >&2; exit 1; }
    PG_VERSION=$("$PG_BIN/postgres" --version | awk '{print $3}')
    [[ -n $REUSE ]] || runuser -u postgres -- "$PG_BIN/createdb" -h "$DATA" -p "$PG_PORT" -U postgres flowdesk
    CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=flowdesk;Maximum Pool Size=100"
else
    CONNECTION="Data Source=$DATA/flowdesk.db"
fi

PORT=$(free_port 5180)
URL=http://127.0.0.1:$PORT
start_server() { # $1 = demo (true/false); sets SERVER_PID and STARTUP_SECONDS
    local started now
    started=$(date +%s%N)
    ASPNETCORE_ENVIRONMENT=Production dotnet "$SERVER_DIR/Flowdesk.Web.dll" --urls "$URL" \
        --Flowdesk:Database="$DATABASE" --ConnectionStrings:Flowdesk="$CONNECTION" --Flowdesk:DataPath="$DATA/files" \
        --Flowdesk:Demo="$1" --Flowdesk:DemoTickets=0 --Logging:LogLevel:Default=Warning >>"$DATA/server.log" 2>&1 &
    SERVER_PID=$!
    until curl -sf -o /dev/null "$URL/health/ready"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$DATA/server.log" >&2; echo "run.sh: the server exited" >&2; exit 1; }
        (( $(date +%s%N) - started < 300000000000 )) || { echo "run.sh: the server was not ready in 300 s" >&2; exit 1; }
        sleep 0.02
    done
    now=$(date +%s%N)
    STARTUP_SECONDS=$(awk -v a="$started" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
}

if [[ -z $REUSE ]]; then
    say "first start: migrations and seeding (demo accounts, no demo tickets)"
    start_server true
    stop_server
    say "generating scale $SCALE into $DATABASE"
    "${BENCH[@]}" generate --database "$DATABASE" --connection "$CONNECTION" --scale "$SCALE" \
        --manifest "$DATA/manifest.json" --out "$DATA/generate.json"
else
    say "reusing the database in $DATA (loaded earlier; the load time below is that run's)"
fi
cp "$DATA/manifest.json" "$DATA/generate.json" "$OUT/"
[[ $DATABASE == sqlite ]] && say "database file: $(du -h "$DATA/flowdesk.db" | cut -f1)"

INTAKE_FAILED=0
run_intake() { # the email intake phase: writes OUT/mail-intake.json, or nothing when Dovecot is not there
    local messages
    case $SCALE in tiny) messages=400 ;; small) messages=2000 ;; large) messages=10000 ;; esac
    ((SMOKE)) && messages=40
    if [[ ! -x /usr/lib/dovecot/imap || ! -x /usr/lib/dovecot/lmtp || $(id -u) != 0 ]]; then
        say "email intake NOT measured: Dovecot (dovecot-imapd, dovecot-lmtpd) is not installed or this is not root"
        return 0
    fi
    say "email intake: $messages messages in a private Dovecot mailbox, fetched and processed by the mail.poll job"
    "${BENCH[@]}" mail-intake --server "$SERVER_DIR" --database "$DATABASE" --connection "$CONNECTION" --messages "$messages" \
        --data-path "$DATA/files" --fixtures "$ROOT/tests/Flowdesk.Tests/Mail/Fixtures" --out "$OUT/mail-intake.json" || INTAKE_FAILED=1
}
if ((INTAKE_ONLY)); then
    run_intake
    [[ -f $OUT/mail-intake.json ]] && jq -r '"email intake: \(.messages) messages, \(.messagesPerSecond | floor)/s (target 100/s), server CPU \(.serverCpuMillisecondsPerMessage * 10 | floor / 10) ms/message; \(.tickets) tickets, \(.comments) comments, \(.ignored) ignored; \(if .failures | length > 0 then "FAILED: " + (.failures | join("; ")) else "counts right" end)"' "$OUT/mail-intake.json"
    exit $((INTAKE_FAILED))
fi

say "start-up on the migrated, loaded database"
start_server false
say "ready in $STARTUP_SECONDS s"

CEILING_SECONDS=$SECONDS_PER_PHASE
((SMOKE)) && CEILING_SECONDS=2
if [[ $DATABASE == postgres ]]; then
    say "database ceiling: pgbench, single-row INSERT transactions, 16 clients"
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS ceiling" -c "CREATE DATABASE ceiling"
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ceiling \
        -c "CREATE TABLE ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)"
    echo "INSERT INTO ceiling (payload) VALUES ('x');" >"$DATA/insert.sql"
    DB_CEILING=$("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 16 -j 2 -T "$CEILING_SECONDS" -f "$DATA/insert.sql" ceiling 2>/dev/null |
        awk '/^tps/ { print int($3) }')
    DB_HOW="pgbench -c 16 -j 2, one INSERT per transaction, fsync on"
else
    say "database ceiling: single-row INSERT transactions in a tight loop (WAL, synchronous=NORMAL)"
    DB_CEILING=$("${BENCH[@]}" sqlite-ceiling --path "$DATA/ceiling.db" --seconds "$CEILING_SECONDS")
    DB_HOW="one connection, autocommit INSERTs, WAL, synchronous=NORMAL, same disk"
fi
say "database ceiling: $DB_CEILING inserts/s"

say "load: clients $CLIENTS, $SECONDS_PER_PHASE s per phase"
LOAD_ARGS=(--url "$URL" --manifest "$OUT/manifest.json" --pid "$SERVER_PID" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" --out "$OUT/load.json")
((SMOKE)) && LOAD_ARGS+=(--fail-on-errors)
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
"${BENCH[@]}" load "${LOAD_ARGS[@]}"
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
stop_server
((INTAKE)) && run_intake

MEM_GB=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MACHINE="$(nproc) cores ($CPU), $MEM_GB GB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"
[[ -n $PG_VERSION ]] && MACHINE+=", PostgreSQL $PG_VERSION"
MACHINE+="; 1-minute load average before / after the load: $LOAD_BEFORE / $LOAD_AFTER (the load generator runs on the same cores; anything above ~2 is other work on the machine)"
jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg database "$DATABASE" --arg scale "$SCALE" --arg machine "$MACHINE" \
    --arg command "$COMMAND" --argjson startup "$STARTUP_SECONDS" --argjson ceiling "${DB_CEILING:-0}" --arg how "$DB_HOW" \
    --slurpfile gen "$OUT/generate.json" \
    '{date: $date, database: $database, scale: $scale, machine: $machine, command: $command, startupSeconds: $startup,
      databaseInsertsPerSecond: $ceiling, databaseCeilingHow: $how, loadSeconds: $gen[0].seconds,
      loadRows: ($gen[0].rows | to_entries | map("\(.key) \(.value)") | join(", "))}' >"$OUT/run.json"
"${BENCH[@]}" report --run "$OUT/run.json" --load "$OUT/load.json" --mail-intake "$OUT/mail-intake.json" --out "$OUT/table.md" >/dev/null
say "table: ${OUT#"$ROOT"/}/table.md"
cat "$OUT/table.md"
((INTAKE_FAILED)) && { echo "run.sh: email intake failed (see above)" >&2; exit 1; }
exit 0
