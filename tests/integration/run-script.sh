#!/bin/bash
# contrib/run, the README's first command, works every time: killed at several points
# (during the migrations, while vced runs; SIGINT, SIGTERM, SIGKILL of the script, kill -9
# of PostgreSQL) it starts again, and a clean stop leaves nothing it started running.
# Runs against a private run directory, cluster and port (VCE_RUNDIR, VCE_PGDIR, VCE_PGPORT).
set -u
. "$VCE_SRCDIR/tests/lib/check.sh"
T=$(mktemp -d /tmp/vce-runscript.XXXXXX)
chmod a+rx "$T"
export VCE_RUNDIR=$T/run VCE_PGDIR=$T/pg VCE_PGPORT=55497 VCE_NOBUILD=1
CTL="$VCE_BUILDDIR/daemon/vcectl -s $VCE_RUNDIR/run/vced.ctl"
RUNPID=

# Waits for contrib/run to end after a signal; a run that does not stop is a failure, not a hang.
stopped() {
    for _i in $(seq 1 300); do alive "$RUNPID" || { wait "$RUNPID" 2>/dev/null; return 0; }; sleep 0.1; done
    fail "contrib/run ends within 30 s of the signal" "$(ps -eo pid,ppid,pgid,sid,stat,args 2>/dev/null | grep -e "$T" -e "^ *$RUNPID " | grep -v grep)"
    wait_exit "$RUNPID" 1
}
start_run() {  # starts contrib/run in its own process group
    setsid "$VCE_SRCDIR/contrib/run" >>"$T/run.log" 2>&1 &
    RUNPID=$!
}
# The session of a process (field 6 of /proc/PID/stat, after the parenthesised name).
session_of() { sed -n 's/^[0-9]* (.*) [A-Z] [0-9-]* [0-9-]* \([0-9-]*\) .*/\1/p' "/proc/$1/stat" 2>/dev/null; }
up() {  # waits until this run's vced (not one an earlier run left) answers on the control socket
    local pid
    for _i in $(seq 1 300); do
        pid=$(cat "$VCE_RUNDIR/run/vced.pid" 2>/dev/null)
        [ -n "$pid" ] && [ "$(session_of "$pid")" = "$RUNPID" ] && $CTL module show >/dev/null 2>&1 && return 0
        alive "$RUNPID" || return 1
        sleep 0.1
    done
    return 1
}
pg_running() { [ -n "$(head -n1 "$VCE_PGDIR/data/postmaster.pid" 2>/dev/null)" ] && kill -0 "$(head -n1 "$VCE_PGDIR/data/postmaster.pid")" 2>/dev/null; }
ours_running() {  # any vced, simulator or postgres of this run directory still alive?
    local p
    for p in $(ls /proc | grep -E '^[0-9]+$'); do
        grep -qa -e "$T" "/proc/$p/cmdline" 2>/dev/null && [ "$p" != "$$" ] && return 0
    done
    pg_running
}
gone() { for _i in $(seq 1 100); do ours_running || return 0; sleep 0.1; done; return 1; }
cleanup() {
    [ -n "$RUNPID" ] && kill -TERM -- "-$RUNPID" 2>/dev/null
    sleep 1
    [ -f "$VCE_PGDIR/data/postmaster.pid" ] && kill -INT "$(head -n1 "$VCE_PGDIR/data/postmaster.pid")" 2>/dev/null
    sleep 1
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

start_run
check "first start comes up" up
check "vced runs from the run directory" test -f "$VCE_RUNDIR/run/vced.pid"

# SIGKILL of the whole script's process group but PostgreSQL (as a crash of the terminal would
# leave it), then of the script alone (vced and the simulator stay behind).
kill -KILL "$RUNPID"; stopped
check "after kill -9 of the script, PostgreSQL is still running (the case to recover from)" pg_running
start_run
check "second start reuses the running cluster and replaces the leftover vced" up
check_match "the leftover vced was stopped" "stopping vced" "$(cat "$T/run.log")"

# SIGINT (Ctrl-C) stops everything. contrib/run was started in the background by this script,
# so it inherited SIGINT ignored (as from any non-interactive shell): it must stop all the same.
kill -INT -- "-$RUNPID"; stopped
check "Ctrl-C leaves nothing running" gone

# Ctrl-C before vced runs, while contrib/run waits for a leftover vced that is slow to stop
# (here a process named vced that ignores SIGTERM): nothing else in the process group would end
# the run, so only contrib/run's own handling of SIGINT can.
(trap '' TERM; exec -a vced-stuck sleep 60) &
STUCK=$!
echo "$STUCK" >"$VCE_RUNDIR/run/vced.pid"
start_run
sleep 1
kill -INT -- "-$RUNPID"; stopped
check "Ctrl-C while a leftover vced is being stopped leaves nothing running" gone
kill -KILL "$STUCK" 2>/dev/null; wait "$STUCK" 2>/dev/null

# kill -9 of PostgreSQL leaves a stale postmaster.pid; the next start replaces it.
start_run
up
PGPID=$(head -n1 "$VCE_PGDIR/data/postmaster.pid")
kill -TERM -- "-$RUNPID"; stopped
check "SIGTERM leaves nothing running" gone
start_run
up
PGPID=$(head -n1 "$VCE_PGDIR/data/postmaster.pid")
kill -KILL -- "-$RUNPID" 2>/dev/null; kill -KILL "$PGPID" 2>/dev/null; stopped
sleep 0.5
check "a stale postmaster.pid is left (the case to recover from)" test -f "$VCE_PGDIR/data/postmaster.pid"
start_run
check "start after kill -9 of PostgreSQL comes up" up

# Killed during the migrations: vced -m runs within the first seconds.
kill -INT -- "-$RUNPID"; stopped
gone
start_run
for _i in $(seq 1 200); do pgrep -g "$RUNPID" -f 'vced .* -m' >/dev/null 2>&1 && break; sleep 0.05; done
kill -TERM -- "-$RUNPID"; stopped
check "SIGTERM during start-up leaves nothing running" gone
start_run
check "start after a kill during start-up comes up" up
kill -INT -- "-$RUNPID"; stopped
check "the last stop leaves nothing running" gone
RUNPID=
grep -qE "Segmentation fault|core dumped" "$T/run.log" && echo "$(grep -cE 'Segmentation fault|core dumped' "$T/run.log") crashes in the log"
check "no crash in any run" sh -c "! grep -qE 'Segmentation fault|core dumped|AddressSanitizer' '$T/run.log'"
