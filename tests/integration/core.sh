#!/bin/bash
# Integration: a real vced with res_pgsql against a private PostgreSQL, driven by vcectl.
# Includes the outage test: PostgreSQL stops while writes are queued, comes back, and
# every write lands exactly once; and writes queued at shutdown survive a restart.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

scenario_begin core
PORT=${VCE_CORE_PGPORT:-55441}
pg_up "$PORT"
psql -X -q -d vce -c "CREATE TABLE outage_test (id int, note text)" >/dev/null

vced_setup res_pgsql

# vcectl with no daemon says so plainly and exits non-zero.
out=$(ctl core show version 2>&1); rc=$?
check_eq "vcectl: no daemon gives exit 3" 3 "$rc"
check_match "vcectl: no daemon message" "vced is not running" "$out"

# A config error names file and line, and vced refuses to start.
mkdir -p "$T/bad"; cp "$T/etc/"*.conf "$T/bad/"
printf '[general]\nrundir = %s\nlog_level = loud\n' "$T/bad/run" >"$T/bad/vced.conf"
out=$("$VCED" -c "$T/bad" -f 2>&1); rc=$?
check_eq "config error: refuses to start" 1 "$rc"
check_match "config error: names file and line" "vced.conf:3: expected log_level" "$out"
printf '[modules]\nrequire => no_such_module.so\n' >"$T/bad/modules.conf"
printf '[general]\nrundir = %s\n' "$T/bad/run" >"$T/bad/vced.conf"
out=$("$VCED" -c "$T/bad" -f 2>&1); rc=$?
check_eq "required module missing: refuses to start" 1 "$rc"
check_match "required module missing: says why" "required module no_such_module failed to load: module no_such_module.so not found" "$out"

vced_up  # no wait for the migrations: the checks below watch them
check "vced: pid file written" test "$(cat "$T/etc/run/vced.pid")" = "$VCED_PID"
check_match "vcectl module show lists res_pgsql" "res_pgsql +running" "$(ctl module show)"
check_match "vcectl core show version" "^vced [0-9]" "$(ctl core show version)"
check_match "vcectl core show uptime" "System uptime" "$(ctl core show uptime)"
check_match "vcectl core show threads" "core" "$(ctl core show threads)"
out=$(ctl no such command 2>&1); rc=$?
check_eq "vcectl: unknown command exits non-zero" 2 "$rc"
check "socket mode is 0660" test "$(stat -c %a "$T/etc/run/vced.ctl")" = 660
check "res_pgsql: connects" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl db show | grep -q 'writer: *up'"
check_match "migrations recorded in schema_version" "^[0-9]+$" "$(psql -X -At -d vce -c 'SELECT count(*) FROM schema_version')"
ctl db migrate >/dev/null  # may finish what the start began
out=$(ctl db migrate); check_match "db migrate is idempotent" "up to date" "$out"

# The dialplan: shown, reloaded atomically, a broken file refused with file:line.
check_match "dialplan show from-members" "Route\(\\\$\{EXTEN\}\)" "$(ctl dialplan show from-members)"
out=$(ctl dialplan show no-such-context 2>&1); check_match "dialplan show: unknown context said plainly" "no context \[no-such-context\]" "$out"
cp "$T/etc/extensions.conf" "$T/extensions.good"
printf '\n[broken]\nexten => 100,1,Dial(\n' >>"$T/etc/extensions.conf"
out=$(ctl dialplan reload 2>&1); rc=$?
check_eq "dialplan reload of a broken file fails" 1 "$rc"
check_match "and names file and line, keeping the old plan" "dialplan kept; .*extensions.conf:[0-9]+" "$out"
check_match "the old plan still serves" "Route" "$(ctl dialplan show from-members)"
cp "$T/extensions.good" "$T/etc/extensions.conf"
check_match "dialplan reload of a good file" "dialplan reloaded" "$(ctl dialplan reload)"

# Module unload/load at runtime.
check "module unload res_pgsql" ctl module unload res_pgsql
check_match "module show after unload" "0 modules loaded" "$(ctl module show)"
check "module load res_pgsql" ctl module load res_pgsql
out=$(ctl module load res_pgsql 2>&1); rc=$?
check_match "module load twice refused" "already loaded" "$out"
check "res_pgsql: reconnects after reload" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl db show | grep -q 'writer: *up'"

# SIGHUP with a broken vced.conf keeps the old config and keeps running.
cp "$T/etc/vced.conf" "$T/vced.conf.good"
echo "broken line" >>"$T/etc/vced.conf"
kill -HUP "$VCED_PID"
wait_for 5 grep -q "reload refused" "$T/etc/vced.log"
check "SIGHUP with a bad config: still running" kill -0 "$VCED_PID"
check_match "SIGHUP with a bad config: refusal logged with file:line" "reload refused.*vced.conf:[0-9]+" "$(grep 'reload refused' "$T/etc/vced.log")"
cp "$T/vced.conf.good" "$T/etc/vced.conf"

# Durable writes through an outage.
for i in $(seq 1 50); do ctl db write "INSERT INTO outage_test VALUES ($i, 'before')" >/dev/null; done
wait_for 10 sh -c "[ \$(psql -X -At -d vce -c 'SELECT count(*) FROM outage_test') = 50 ]"
check_eq "writes land while PostgreSQL is up" 50 "$(psql -X -At -d vce -c 'SELECT count(*) FROM outage_test')"
pg_stop "$PGDIR"
for i in $(seq 51 250); do ctl db write "INSERT INTO outage_test VALUES ($i, 'during')" >/dev/null || echo "write $i refused"; done
q=$(ctl db show | sed -n 's/^queued writes: *\([0-9]*\).*/\1/p')
check_eq "writes wait in the queue while PostgreSQL is down" 200 "$q"
pg_start "$PGDIR" "$PORT"
check "queue drains after PostgreSQL returns" wait_for 30 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl db show | grep -q '^queued writes: *0 '"
check_eq "every write landed exactly once" "250 250" "$(psql -X -At -F' ' -d vce -c 'SELECT count(*), count(DISTINCT id) FROM outage_test')"

# Writes queued at shutdown are kept on disk and land after the next start.
pg_stop "$PGDIR"
for i in $(seq 251 300); do ctl db write "INSERT INTO outage_test VALUES ($i, 'spooled')" >/dev/null; done
vced_stop
check "shutdown spools uncommitted writes" test -s "$T/etc/state/durable-queue.spool"
check_match "shutdown unloads modules" "unloaded module res_pgsql" "$(cat "$T/etc/vced.log")"
check "pid file removed at exit" test ! -e "$T/etc/run/vced.pid"
pg_start "$PGDIR" "$PORT"
vced_start "$T/etc"
check "spooled writes replayed after restart" wait_for 20 sh -c "[ \$(psql -X -At -d vce -c 'SELECT count(*) FROM outage_test') = 300 ]"
check_eq "after restart: still exactly once" "300 300" "$(psql -X -At -F' ' -d vce -c 'SELECT count(*), count(DISTINCT id) FROM outage_test')"

# A full queue refuses instead of dropping.
sed -i 's/^\[general\]/[general]\nqueue_max = 5/' "$T/etc/res_pgsql.conf"
ctl module unload res_pgsql >/dev/null; ctl module load res_pgsql >/dev/null
pg_stop "$PGDIR"
refused=0
for i in $(seq 1 8); do ctl db write "INSERT INTO outage_test VALUES (1000, 'x')" >/dev/null 2>&1 || refused=$((refused + 1)); done
check_eq "full queue: the writer is told (3 of 8 refused)" 3 "$refused"
pg_start "$PGDIR" "$PORT"
check "full queue: the accepted 5 land" wait_for 20 sh -c "[ \$(psql -X -At -d vce -c 'SELECT count(*) FROM outage_test WHERE id = 1000') = 5 ]"

check "vcectl shutdown stops vced" ctl shutdown
wait_for 10 sh -c "! kill -0 $VCED_PID" && VCED_PID=
check_eq "vced gone after vcectl shutdown" "" "${VCED_PID:-}"
