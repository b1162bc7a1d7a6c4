#!/bin/bash
# Integration: what a member may spend, checked at call time with real calls. A real vced
# (res_pgsql, app_route, chan_sip, chan_tdm with the simulated PSTN on a trunk group) with the
# demo data; Kim calls from her phone (fraud.py, with her password) to the PSTN (the simulator
# answers) and to another carrier's number (a listener that answers 200). Prepaid with
# nothing: 402 and nothing dialled; with a few cents: answered, then ended by vced with a BYE
# when the paid time is over, on a gateway call and on a proxied one (both parties get the
# BYE); two calls at once share the balance and it never goes below zero; a per-member call
# limit; postpaid debits; the statement's total to the cent; with the database down a metered
# call is refused 503.
# Own ports: PostgreSQL 55465, SIP 55800, carrier 127.0.0.61:55805, Kim from 127.0.0.62,
# RTP 55810-55829.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
FRAUD="python3 $VCE_SRCDIR/tests/integration/fraud.py"

scenario_begin billing
SIP=55800 SRV=127.0.0.1:55800
KIM=0262006200082 PASS=demo-pass-kim PSTN=0212345678 MOBILE=01098765432 VOIP=07012345678
CARRIER=127.0.0.61:55805 PHONE=127.0.0.62

pg_up "${VCE_BILLING_PGPORT:-55465}"
vced_setup res_pgsql app_route chan_tdm chan_sip
# Grants of 30 s: the two-call case sees a grant topped up and one cut short.
vced_sip_conf "$E" "$SIP" "credit_quota = 30"
printf '[general]\nhome_country = 082\n' >"$E/app_route.conf"
tdm_conf_general "media_ip = 127.0.0.1" "rtp_ports = 55810-55829"
tdm_conf_pstn
vced_up
demo_load || { fail "billing: the demo data loads"; exit 1; }
sql() { psql -X -q -At -d vce -v ON_ERROR_STOP=1 -c "$1"; }
# Per-second prices of 0.01 a second, so that a few cents are a few seconds.
sql "UPDATE carriers SET sip_address = 'sip:$CARRIER' WHERE name = 'Hanul VoIP';
     SELECT rate_set('8221', 0.6000, 1, 1, description => 'test Seoul per second');
     SELECT rate_set('8210', 0.6000, 1, 1, description => 'test mobile per second');
     SELECT rate_set('827012', 0.6000, 1, 1, description => 'test VoIP per second')" >"$T/setup.log" 2>&1 ||
    fail "billing: rates are set" "$(cat "$T/setup.log")"
KIM_ID=$(sql "SELECT member_id FROM sip_accounts WHERE username = '$KIM'")
sql "SELECT member_billing_set($KIM_ID, 'prepaid')" >/dev/null
ctl route reload >/dev/null

"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$PSTN=tone,$MOBILE=tone" --seconds 600 >"$T/pstn.log" 2>&1 &
scenario_bg $!
wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '" ||
    fail "billing: the PSTN span is up"
$FRAUD listen "$CARRIER" 600 --answer 200 >"$T/carrier.log" 2>&1 &
scenario_bg $!

call() {  # URI [fraud.py send options]: Kim's call; prints the status (and bye@S)
    local uri=$1
    shift
    $FRAUD send "$SRV" "$PHONE" "$uri" --from "sip:$KIM@$SRV" --user "$KIM" --password "$PASS" "$@" 2>&1
}
balance() { sql "SELECT balance FROM members WHERE id = $KIM_ID"; }
reserved() { sql "SELECT count(*) FROM call_reservations WHERE member_id = $KIM_ID"; }
dialled() { grep -c "dialled" "$T/pstn.log"; }
# cost_of CALL-ID-PATTERN: "billable cost" of Kim's last leg with that route
last_leg() { sql "SELECT billable_seconds || ' ' || cost FROM cdrs WHERE member_id = $KIM_ID AND route LIKE '$1' ORDER BY id DESC LIMIT 1"; }
# between LOW HIGH VALUE: LOW <= VALUE <= HIGH (decimals)
between() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v >= l && v <= h) }'; }

# Prepaid with nothing: refused before anything is dialled.
check_match "prepaid with a balance of 0: the PSTN call gets 402" "^402$" "$(call "sip:$PSTN@$SRV")"
check_eq "and the simulator was not dialled" 0 "$(dialled)"
check_match "the refusal is logged with its reason" "refused: insufficient-balance" "$(cat "$E/vced.log")"
check_eq "the refused leg costs nothing and holds nothing" "0 0|0" \
    "$(sql "SELECT billable_seconds || ' ' || cost::int FROM cdrs WHERE member_id = $KIM_ID AND sip_status = 402 ORDER BY id DESC LIMIT 1")|$(reserved)"

# A few cents: answered, and ended by vced when they are spent (a gateway call: the TDM leg
# hung up, the caller sent a BYE).
sql "SELECT balance_add($KIM_ID, 0.05, 'billing.sh')" >/dev/null
out=$(call "sip:$PSTN@$SRV" --hold 20 --watch-bye)
check_match "0.05 at 0.01 a second: answered, then a BYE from vced after about 4 s" "^200 bye@[3-6]\.[0-9]$" "$out"
check "the simulator was dialled" grep -q "dialled $PSTN" "$T/pstn.log"
wait_for 5 sh -c "[ \"\$(psql -X -At -d vce -c 'SELECT count(*) FROM call_reservations')\" = 0 ]"
leg=$(last_leg 'TDM/%')
set -- $leg
check "the leg was cut within its paid time (at most 5 s, 0.05)" between 3 5 "${1:-99}"
check_eq "the balance is what is left, to the cent, and not below zero" \
    "$(awk -v c="${2:-1}" 'BEGIN { printf "%.4f", 0.05 - c }')" "$(balance)"
check_eq "no money is held once the call ended" 0 "$(reserved)"
check_match "the end is logged" "paid call time is over" "$(cat "$E/vced.log")"

# A proxied call to another carrier: both parties get vced's BYE.
sql "UPDATE members SET balance = 0.03 WHERE id = $KIM_ID" >/dev/null
out=$(call "sip:$VOIP@$SRV" --hold 20 --watch-bye)
check_match "0.03 to another carrier: answered, then a BYE from vced after about 2 s" "^200 bye@[1-4]\.[0-9]$" "$out"
check "the carrier got the INVITE and vced's BYE" wait_for 3 sh -c "grep -q '^GOT INVITE sip:+*$VOIP\|^GOT INVITE sip:+827012345678' '$T/carrier.log' && grep -q '^GOT BYE' '$T/carrier.log'"
wait_for 5 sh -c "[ \"\$(psql -X -At -d vce -c 'SELECT count(*) FROM call_reservations')\" = 0 ]"
leg=$(last_leg "%$CARRIER%")
set -- $leg
check "the carrier leg stayed within its paid time (at most 3 s)" between 1 3 "${1:-99}"
check_eq "the balance is 0.03 less that leg's cost" "$(awk -v c="${2:-1}" 'BEGIN { printf "%.4f", 0.03 - c }')" "$(balance)"

# Two calls at once share 0.70 (70 s): each holds a 30 s grant; the first to run low asks for
# more and gets the last 10 s, the second gets nothing more and ends at 30 s.
sql "UPDATE members SET balance = 0.70 WHERE id = $KIM_ID" >/dev/null
before=$(sql "SELECT coalesce(max(id), 0) FROM cdrs")
call "sip:$PSTN@$SRV" --hold 60 --watch-bye >"$T/par1.log" &
p1=$!
sleep 1
call "sip:$MOBILE@$SRV" --hold 60 --watch-bye >"$T/par2.log" &
p2=$!
wait $p1 $p2
check_match "two calls at once: the first answered and ended by vced" "^200 bye@" "$(cat "$T/par1.log")"
check_match "two calls at once: the second answered and ended by vced" "^200 bye@" "$(cat "$T/par2.log")"
wait_for 5 sh -c "[ \"\$(psql -X -At -d vce -c 'SELECT count(*) FROM call_reservations')\" = 0 ]"
spent=$(sql "SELECT coalesce(sum(cost), 0) FROM cdrs WHERE id > $before AND member_id = $KIM_ID")
check "together they spent at most 0.70 (spent $spent)" between 0.60 0.70 "$spent"
check_eq "the balance is 0.70 less what they spent, not below zero" \
    "$(awk -v c="$spent" 'BEGIN { printf "%.4f", 0.70 - c }')" "$(balance)"
check_match "the first call's grant was topped up (call_extend): 31 to 40 s and 30 s" "^(3[1-9]|40) (29|30)$" \
    "$(sql "SELECT string_agg(billable_seconds::text, ' ' ORDER BY started_at) FROM cdrs WHERE id > $before AND member_id = $KIM_ID")"

# A member's call limit: one call at a time.
sql "SELECT member_billing_set($KIM_ID, 'postpaid', max_calls => 1)" >/dev/null
ctl route reload >/dev/null
call "sip:$PSTN@$SRV" --hold 4 >"$T/held.log" &
held=$!
sleep 2
check_match "a second call while one is in progress (max_calls 1): 403" "^403$" "$(call "sip:$PSTN@$SRV")"
wait $held
check_match "the first call was answered" "^200$" "$(cat "$T/held.log")"
b0=$(balance)
check_match "once it ended, Kim calls again" "^200$" "$(call "sip:$PSTN@$SRV" --hold 2)"
sleep 1
leg=$(last_leg 'TDM/%')
set -- $leg
check_eq "postpaid without a limit: the call is debited, the balance may go below zero" \
    "$(awk -v b="$b0" -v c="${2:-1}" 'BEGIN { printf "%.4f", b - c }')" "$(balance)"

# The month's statement (contrib/vce-statement) adds up to the cent.
month=$(date -u +%Y-%m)
PGDATABASE=vce "$VCE_SRCDIR/contrib/vce-statement" --member "$KIM" --month "$month" >"$T/statement.csv" 2>"$T/statement.err"
check "vce-statement writes Kim's statement" test -s "$T/statement.csv"
total=$(sql "SELECT sum(cost) FROM member_statement WHERE member_id = $KIM_ID AND month = date_trunc('month', now() AT TIME ZONE 'UTC')")
check_match "the statement lists the calls and their total ($total)" "$(printf '%s' "${total:-none}" | sed 's/\./\\./')" "$(cat "$T/statement.csv")"
# A postpaid member without a limit is not asked about: a metered one is, and while the
# database cannot answer, its call that costs money is refused (credit_outage = refuse).
sql "SELECT member_billing_set($KIM_ID, 'prepaid'); SELECT balance_add($KIM_ID, 5, 'billing.sh')" >/dev/null
ctl route reload >/dev/null
pg_stop "$PGDIR"
check_match "the database is down: a prepaid member's PSTN call gets 503" "^503$" "$(call "sip:$PSTN@$SRV")"
check_match "and the log says why" "refused: billing-unavailable" "$(cat "$E/vced.log")"
check "vced never crashed" kill -0 "$VCED_PID"
check "no password in the log" sh -c "! grep -q '$PASS' '$E/vced.log'"
scenario_end
