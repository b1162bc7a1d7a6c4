#!/bin/bash
# Integration: vced as a SIP client of an upstream exchange (issue 11, first part). Two vced
# instances on one PostgreSQL cluster (databases vce and box): the exchange (res_pgsql,
# app_route, chan_sip) and an edge box whose sip.conf has [upstream:...] sections. The box
# registers Lee's number with digest at the exchange and refreshes it; a wrong password is
# refused and not retried every few seconds; a server nobody listens on fails; a silent
# exchange (SIGSTOP) leaves the box failing until the exchange answers again, then it
# registers within the backoff; the box unregisters when it stops. The password is never in
# a log.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

scenario_begin upstream
EX=55282 BOX=55284 DEAD=55286
cd "$T"

pg_up "${VCE_UPSTREAM_PGPORT:-55449}"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$EX"
vced_up
demo_load

# The box: its own database, its own config dir and control socket.
B=$T/box
pg_createdb box
vced_conf "$B" "$PGDIR" "$PGPORT" res_pgsql chan_sip
VCED_CONFDIR=$E  # ctl stays the exchange's
sed -i 's/^dbname = vce$/dbname = box/' "$B/res_pgsql.conf"
cat >"$B/sip.conf" <<CONF
[general]
bind = 127.0.0.1:$BOX
realm = box.local

[upstream:exchange]
servers = 127.0.0.1:$EX
numbers = 025551234082
password = demo-pass-lee
expires = 60

[upstream:wrongpw]
servers = 127.0.0.1:$EX
numbers = 025551234082
username = 025551234082
password = not-lees-password
expires = 60

[upstream:dead]
servers = 127.0.0.1:$DEAD
numbers = 025551234082
password = demo-pass-lee
expires = 60
CONF
boxctl() { "$VCECTL" -s "$B/run/vced.ctl" "$@"; }
box_start() {  # (not in a subshell: BOXPID is ours)
    rm -f "$B/run/vced.ctl"
    "$VCED" -c "$B" -f >>"$B/vced.log" 2>&1 &
    BOXPID=$!
    scenario_bg "$BOXPID"
}
upstream_is() { boxctl sip show upstream | grep -qE "^$1  025551234082  $2 "; }
auth_failures() { ctl sip show status | sed -n 's/^auth failures: *//p'; }

box_start
check "the box starts" wait_for 10 test -S "$B/run/vced.ctl"
check "the box registers Lee's number at the exchange" wait_for 10 upstream_is exchange registered
check_match "the exchange has the binding at the box's address" \
    "025551234082  sip:025551234082@127.0.0.1:$BOX" "$(ctl sip show registrations 025551234082)"
check_match "sip show upstream: server, expiry, last status" \
    "exchange  025551234082  registered  server 127.0.0.1:$EX/udp  expires in [0-9]+ s  last 200  next try in [0-9]+ s" \
    "$(boxctl sip show upstream)"
check_match "a NOTICE line for the change" "NOTICE.*SIP upstream exchange 025551234082: registering -> registered" \
    "$(cat "$B/vced.log")"

# A wrong password: forbidden, and not tried again within the next 10 s.
check "a wrong password: forbidden" wait_for 10 upstream_is wrongpw forbidden
failures=$(auth_failures)
check "the wrong password reached the exchange as an auth failure" test "${failures:-0}" -ge 1
sleep 10
check_eq "forbidden is not retried every few seconds (no new auth failure in 10 s)" "$failures" "$(auth_failures)"
check_match "forbidden: next try in about an hour" "wrongpw  025551234082  forbidden .*next try in (3[0-9]{3}) s" \
    "$(boxctl sip show upstream)"

# Nobody listens on the dead server: failing, with a next try from the backoff.
check "a server that does not answer: failing" wait_for 20 upstream_is dead failing
check_match "failing: since when, and the next try within the first backoff (15-30 s)" \
    "dead  025551234082  failing .*failing since [0-9]+ s ago  next try in ([0-9]|[12][0-9]|30) s" \
    "$(boxctl sip show upstream)"

# The exchange falls silent (SIGSTOP) and the box restarts: its registration is sent again
# and gets no answer; the box shows it failing; when the exchange answers again, the box
# registers within the backoff.
kill -TERM "$BOXPID"; wait_exit "$BOXPID" 15
kill -STOP "$VCED_PID"
box_start
check "the box starts again" wait_for 10 test -S "$B/run/vced.ctl"
check "the exchange silent: the box's registration fails" wait_for 20 upstream_is exchange failing
kill -CONT "$VCED_PID"
check "the exchange answers again: registered within the backoff" wait_for 40 upstream_is exchange registered
check_match "the state changes were logged" "exchange 025551234082: registering -> failing" "$(cat "$B/vced.log")"

# The box stops: it unregisters.
kill -TERM "$BOXPID"; wait_exit "$BOXPID" 15
check "a box that stops unregisters its number" \
    wait_for 5 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations 025551234082 | grep -q '^0 bindings'"

check "no password in any log" sh -c "! grep -rqE 'demo-pass-lee|not-lees-password' '$E/vced.log' '$B/vced.log'"
check "no digest response in any log" sh -c "! grep -rq 'response=\"' '$E/vced.log' '$B/vced.log'"
check "the box never crashed" sh -c "! grep -qE 'AddressSanitizer|runtime error|Segmentation' '$B/vced.log'"
check "the exchange still serves" sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show status >/dev/null"
