#!/usr/bin/env bash
# The test command (README, .ci/run). On a fresh Debian 12 machine with the .NET SDK, as root, no input:
#   1. installs what the tests need from Debian (postgresql, chromium) when missing;
#   2. restores the local tools and builds the solution once;
#   3. starts a throwaway PostgreSQL cluster on 127.0.0.1 (removed on exit);
#   4. runs every test project twice: on SQLite, and on PostgreSQL (FLOWDESK_TEST_PG);
#   5. adds up the TRX results and ends with one line: "tests: N passed, N failed[, N skipped]".
# Environment: CONFIGURATION (Debug), FLOWDESK_TEST_PG (use this server instead of starting one),
#   FLOWDESK_TEST_PROVIDERS ("sqlite postgres"), FLOWDESK_SKIP_INSTALL=1 (never call apt-get),
#   FLOWDESK_TEST_HANG_TIMEOUT (5m: one test longer than this fails its run), FLOWDESK_TEST_HANG_DUMP (none; mini or
#   full keeps a dump of the hung test host in the results folder), FLOWDESK_TEST_RUN_TIMEOUT (45m per run).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive MSBUILDTERMINALLOGGER=off
CONFIGURATION=${CONFIGURATION:-Debug}
PROVIDERS=${FLOWDESK_TEST_PROVIDERS:-sqlite postgres}
PG_PORT_FIRST=55432
HANG_TIMEOUT=${FLOWDESK_TEST_HANG_TIMEOUT:-5m}
RUN_TIMEOUT=${FLOWDESK_TEST_RUN_TIMEOUT:-45m}
HANG_DUMP=${FLOWDESK_TEST_HANG_DUMP:-none}
RESULTS="$ROOT/.test-results/$(date +%Y%m%d-%H%M%S)-$$"

say() { printf '== %s\n' "$*"; }

# A failure before any test ran must not read as "0 failed".
abort() {
    echo "test.sh: $*" >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
}

# ---------------------------------------------------------------- 1. system packages
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_packages() {
    local missing=()
    [[ -n "${FLOWDESK_TEST_PG:-}" || -x "$(pg_bin)/initdb" ]] || missing+=(postgresql)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    # A CJK font, so Chinese pages render as text (not boxes) in the browser tests' screenshots.
    [[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || missing+=(fonts-wqy-microhei)
    # A real mail server for the mail tests (tests/Flowdesk.Tests/Infrastructure/MailServer.cs starts a private one):
    # Postfix for SMTP, Dovecot for LMTP delivery (with Sieve, for real vacation replies) and IMAP.
    [[ -x /usr/sbin/postfix ]] || missing+=(postfix)
    [[ -x /usr/lib/dovecot/imap ]] || missing+=(dovecot-imapd)
    [[ -x /usr/lib/dovecot/lmtp ]] || missing+=(dovecot-lmtpd)
    [[ -f /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]] || missing+=(dovecot-sieve)
    ((${#missing[@]} == 0)) && return 0
    if [[ "${FLOWDESK_SKIP_INSTALL:-}" == 1 ]]; then
        say "not installing ${missing[*]} (FLOWDESK_SKIP_INSTALL=1)"
        return 0
    fi
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || abort "missing packages: ${missing[*]} (run as root or install them)"
        sudo=(sudo -n)
    fi
    say "installing ${missing[*]}"
    # The tests run their own Postfix; the package needs no system mail configuration of its own.
    if [[ " ${missing[*]} " == *" postfix "* ]] && command -v debconf-set-selections >/dev/null 2>&1; then
        echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
    fi
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null &&
        "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        abort "apt-get install ${missing[*]} failed"
}
install_packages

# ---------------------------------------------------------------- 2. tools and build
say "dotnet tool restore"
dotnet tool restore >/dev/null || abort "dotnet tool restore failed"

say "build ($CONFIGURATION)"
if ! dotnet build Flowdesk.slnx -c "$CONFIGURATION" -nologo -v quiet -tl:off; then
    echo "test.sh: the build failed; no tests were run." >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
fi

# ---------------------------------------------------------------- 3. throwaway PostgreSQL
PG_DIR=""
as_postgres() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_cluster() { # $1 = cluster folder
    local bin; bin=$(pg_bin)
    if [[ -f "$1/data/postmaster.pid" && -n "$bin" ]]; then
        as_postgres "$bin/pg_ctl" -D "$1/data" -m immediate -w -t 20 stop >/dev/null 2>&1
    fi
    rm -rf "$1"
}

cleanup() {
    if [[ -n "$PG_DIR" ]]; then stop_cluster "$PG_DIR"; PG_DIR=""; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Clusters left behind by a run that was killed: their owner process is gone. A concurrent run's stays.
remove_leftover_clusters() {
    local dir owner
    for dir in /tmp/flowdesk-pgtest.*; do
        [[ -d "$dir" ]] || continue
        owner=$(cat "$dir/owner.pid" 2>/dev/null || echo "")
        if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
        say "removing a PostgreSQL test cluster left behind: $dir"
        stop_cluster "$dir"
    done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_cluster() {
    local bin port
    bin=$(pg_bin)
    [[ -x "$bin/initdb" ]] || abort "PostgreSQL is not installed (no initdb under /usr/lib/postgresql)"
    remove_leftover_clusters
    port=$PG_PORT_FIRST
    while port_in_use "$port"; do
        port=$((port + 1))
        ((port < PG_PORT_FIRST + 50)) || abort "no free port for PostgreSQL from $PG_PORT_FIRST"
    done
    PG_DIR=$(mktemp -d /tmp/flowdesk-pgtest.XXXXXX)
    echo $$ >"$PG_DIR/owner.pid"
    ((EUID == 0)) && chown postgres:postgres "$PG_DIR"
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    as_postgres "$bin/initdb" -D "$PG_DIR/data" -E UTF8 --locale=C.UTF-8 -U postgres -A trust >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; abort "initdb failed"; }
    # The socket lives in the cluster's own folder so clusters never collide on /tmp/.s.PGSQL.*;
    # fsync off: the data is thrown away, and tests create many databases.
    as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$PG_DIR/pg.log" >&2; abort "PostgreSQL did not start"; }
    export FLOWDESK_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres"
}

if [[ " $PROVIDERS " == *" postgres "* ]]; then
    if [[ -n "${FLOWDESK_TEST_PG:-}" ]]; then
        say "PostgreSQL from FLOWDESK_TEST_PG"
    else
        start_cluster
    fi
fi
PG_CONNECTION=${FLOWDESK_TEST_PG:-}
unset FLOWDESK_TEST_PG

# ---------------------------------------------------------------- 4. tests
mkdir -p "$RESULTS"
find "$ROOT/.test-results" -mindepth 1 -maxdepth 1 -type d -mmin +120 -exec rm -rf {} + 2>/dev/null

# Each test project that exists (tests/Flowdesk.Tests, later tests/Flowdesk.Browser.Tests), once per provider.
# The runs are independent (each test makes its own database), so they run side by side; logs print in order.
declare -a RUN_NAMES=() RUN_PIDS=()
for project in tests/*/*.csproj; do
    [[ -f "$project" ]] || continue
    name=$(basename "$project" .csproj)
    for provider in $PROVIDERS; do
        run="$name.$provider"
        env_args=(-u FLOWDESK_TEST_PG)
        [[ "$provider" == postgres ]] && env_args=(FLOWDESK_TEST_PG="$PG_CONNECTION")
        say "test $name on $provider"
        # A test that hangs must fail (and be named in the log) instead of holding the whole run until CI's limit:
        # the blame collector ends the test host when one test runs for over $HANG_TIMEOUT, and `timeout` ends a
        # run that still outlives $RUN_TIMEOUT.
        env "${env_args[@]}" timeout --kill-after=30s "$RUN_TIMEOUT" \
            dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
            --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type "$HANG_DUMP" \
            --logger "trx;LogFileName=$run.trx" --results-directory "$RESULTS" \
            >"$RESULTS/$run.log" 2>&1 &
        RUN_NAMES+=("$run")
        RUN_PIDS+=($!)
    done
done

passed=0 failed=0 skipped=0
for i in "${!RUN_NAMES[@]}"; do
    run=${RUN_NAMES[$i]}
    wait "${RUN_PIDS[$i]}"
    code=$?
    echo "---- $run (exit $code)"
    grep -v -E '^\s*$' "$RESULTS/$run.log"
    trx="$RESULTS/$run.trx"
    counts="0 0 0"
    if [[ -f "$trx" ]]; then
        # One <UnitTestResult .../> per test (a data row counts as a test). NotExecuted is a skip;
        # anything but Passed/NotExecuted (Failed, Error, Timeout, Aborted) is a failure.
        counts=$(awk '
            /<UnitTestResult / && match($0, /outcome="[A-Za-z]+"/) {
                o = substr($0, RSTART + 9, RLENGTH - 10)
                if (o == "Passed") p++; else if (o == "NotExecuted") s++; else f++
            }
            END { printf "%d %d %d", p, f, s }' "$trx")
    fi
    read -r p f s <<<"$counts"
    # A crashed or refused run can leave a TRX without failures, or none at all: it still failed.
    if ((code != 0 && f == 0)); then
        echo "test.sh: $run exited with $code without a failed test in its results; counted as 1 failure." >&2
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
((${#RUN_NAMES[@]} > 0)) || echo "test.sh: no test projects under tests/." >&2

# ---------------------------------------------------------------- 5. benchmark smoke test
# bench/run.sh at the tiny scale on SQLite, two seconds per phase, against the server just built: counts as one
# test that fails when the generator, the load generator or the server errors (speed is measured, never asserted).
say "benchmark smoke run (tiny, sqlite)"
if timeout --kill-after=30s 15m bench/run.sh --database sqlite --scale tiny --seconds 2 --clients 1,4 --smoke \
    --server "src/Flowdesk.Web/bin/$CONFIGURATION/net10.0" --out "$RESULTS/bench" >"$RESULTS/bench.log" 2>&1; then
    passed=$((passed + 1))
else
    echo "---- benchmark smoke run failed:" >&2
    tail -n 40 "$RESULTS/bench.log" >&2
    failed=$((failed + 1))
fi

cleanup
echo "TRX results: ${RESULTS#"$ROOT"/}"
summary="tests: $passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
