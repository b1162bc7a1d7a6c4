#!/bin/bash
# Integration: failover across the centres of a country. A real vced (res_pgsql, app_route,
# chan_sip) with the demo data; the US has two partner centres, A (priority 10) and B
# (priority 20), each a listener that answers OPTIONS and counts the INVITEs it gets; a trusted
# peer calls the company's US branch (6200-6200#001), which both centres serve.
#   Both up: the call goes to A. A stopped (SIGSTOP): after two unanswered OPTIONS it is down
#   (`route show centres`), Route() gives B alone and the call goes to B; A, woken, shows it
#   got no INVITE while it was down. A answers again: taken back, the call goes to A. A answers
#   503: the call goes on to B. A answers 486 or 404: the call ends there, B gets nothing.
# Own ports: PostgreSQL 55459, vced SIP 127.0.0.50:55760, centre A 127.0.0.51:55761, centre B
# 127.0.0.52:55762, the calling peer 127.0.0.53.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
FRAUD="python3 $VCE_SRCDIR/tests/integration/fraud.py"

scenario_begin failover
SRV=127.0.0.50:55760 A=127.0.0.51:55761 B=127.0.0.52:55762 PEER=127.0.0.53
# Written with its dashes: 62006200#001 alone is also the branch's SIP account (demo.sql).
BRANCH="sip:6200-6200%23001@$SRV"

pg_up "${VCE_FAILOVER_PGPORT:-55459}"
vced_setup res_pgsql app_route chan_sip
# Centres asked every second; two unanswered (500 ms each) make one down.
printf '[general]\nbind = %s\nrealm = vce.local\ncentre_keepalive = 1\ncentre_misses = 2\ncentre_silence_ms = 500\n' \
    "$SRV" >"$E/sip.conf"
printf '[general]\nhome_country = 082\ntrusted => %s,from-centres,own\n' "$PEER" >"$E/app_route.conf"
vced_up
demo_load || { fail "failover: the demo data loads"; exit 1; }

# listen HOSTPORT CODE: a centre answering INVITE with CODE (OPTIONS with 200); its pid in
# LPID[HOSTPORT], what it got in T/centre-HOSTPORT-CODE.log.
declare -A LPID
listen() {
    $FRAUD listen "$1" 600 --answer "$2" >"$T/centre-$1-$2.log" 2>&1 &
    LPID[$1]=$!
    scenario_bg "${LPID[$1]}"
}
unlisten() { kill "${LPID[$1]}" 2>/dev/null; wait "${LPID[$1]}" 2>/dev/null; }
# relisten HOSTPORT CODE: the centre again with another answer, and up (answered OPTIONS).
relisten() {
    unlisten "$1"
    listen "$1" "$2"
    # The new listener has answered an OPTIONS: any miss while it was restarting has been
    # counted (a probe is not sent while one is out), and its answer brings the centre up.
    wait_for 10 grep -q "^GOT OPTIONS" "$T/centre-$1-$2.log" || fail "centre $1 is asked after its restart"
    wait_for 10 health_is "$1" "up\$" || fail "centre $1 answers again after its restart"
}
invites() { cat "$T"/centre-"$1"-*.log 2>/dev/null | grep -c '^GOT INVITE'; }
call() { $FRAUD send "$SRV" "$PEER" "$BRANCH" 2>&1; }
centres() { ctl route show centres; }
health_is() {  # HOSTPORT STATE-REGEX: its health column in `route show centres`
    centres | grep -E "^001 .* $1 +[0-9]+ +[0-9]+  $2" >/dev/null
}

listen "$A" 200
listen "$B" 200
psql -X -q -d vce -v ON_ERROR_STOP=1 >"$T/centres.log" 2>&1 <<SQL
UPDATE centres SET sip_address = 'sip:$A', priority = 10 WHERE name = 'US partner centre';
INSERT INTO centres (country_code, name, operator, sip_address, priority)
VALUES ('001', 'US partner centre B', 'peer', 'sip:$B', 20);
-- Only the two US centres are watched (the demo's others have names nobody resolves here).
UPDATE centres SET enabled = false WHERE country_code IN ('049', '081');
SQL
if [ $? -eq 0 ]; then pass "two centres for the US in SQL"; else fail "two centres for the US in SQL" "$(cat "$T/centres.log")"; fi
ctl route reload >/dev/null
check "route show centres: both US centres answer OPTIONS" \
    wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl route show centres | grep -E '^001 .* $A .* 10 .* up\$' &&
                       \"$VCECTL\" -s $E/run/vced.ctl route show centres | grep -E '^001 .* $B .* 20 .* up\$'"
rt=$(ctl route test 6200-6200#001 --from "$PEER")
check_match "route test: two targets, A first" "ROUTE_TARGETS=2" "$rt"
check_match "route test: ROUTE_TARGET_1 is A" "ROUTE_TARGET_1=SIP/$A/62006200%23001" "$rt"
check_match "route test: ROUTE_TARGET_2 is B" "ROUTE_TARGET_2=SIP/$B/62006200%23001" "$rt"

# 1. Both up: A takes the call.
check_eq "both up: the call is answered" 200 "$(call)"
check_eq "both up: A got the INVITE" 1 "$(invites "$A")"
check_eq "both up: B got none" 0 "$(invites "$B")"

# 2. A stops answering (SIGSTOP: its socket stays, nothing reads it).
kill -STOP "${LPID[$A]}"
check "A stopped: down after two unanswered OPTIONS" wait_for 10 health_is "$A" "down:"
check_match "sip show centres says A is down" "$A  down: [0-9]+ OPTIONS unanswered" "$(ctl sip show centres)"
check "the log says A is down and skipped" grep -q "SIP centre $A: down .* routes skip it" "$E/vced.log"
rt=$(ctl route test 6200-6200#001 --from "$PEER")
check_match "route test: A is skipped" "centre 'US partner centre' is down \(no answer to OPTIONS\): skipped" "$rt"
check_match "route test: B alone" "ROUTE_TARGETS=1" "$rt"
t0=$(date +%s.%N)
check_eq "A down: the call is answered" 200 "$(call)"
check "A down: at once, not after a timeout (under 3 s)" \
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a < 3) }'
check_eq "A down: B got the INVITE" 1 "$(invites "$B")"

# 3. A answers again: taken back.
kill -CONT "${LPID[$A]}"
check "A answers again: up" wait_for 10 health_is "$A" "up\$"
check "the log says A is taken back" grep -q "SIP centre $A: answers OPTIONS again; routes take it back" "$E/vced.log"
check_eq "while it was down A got no INVITE" 1 "$(invites "$A")"
check_eq "A back: the call is answered" 200 "$(call)"
check_eq "A back: A got the INVITE" 2 "$(invites "$A")"
check_eq "A back: B got no more" 1 "$(invites "$B")"

# 4. A fails the call itself: 503 goes on to B; 486 and 404 do not.
relisten "$A" 503
check_eq "A answers 503: the call is answered" 200 "$(call)"
check_eq "A answers 503: A got the INVITE" 3 "$(invites "$A")"
check_eq "A answers 503: B took it" 2 "$(invites "$B")"
relisten "$A" 486
check_eq "A answers 486: the caller hears busy" 486 "$(call)"
check_eq "A answers 486: A got the INVITE" 4 "$(invites "$A")"
check_eq "A answers 486: nothing went to B" 2 "$(invites "$B")"
relisten "$A" 404
out=$(call)
check_match "A answers 404: the call fails (no second centre)" "^4[0-9][0-9]$" "$out"
check_eq "A answers 404: A got the INVITE" 5 "$(invites "$A")"
check_eq "A answers 404: nothing went to B" 2 "$(invites "$B")"
