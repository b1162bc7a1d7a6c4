#!/bin/bash
# Integration: phones known to be alive. A real vced (res_pgsql, app_route, chan_sip, chan_tdm
# with the simulated PSTN) asks every registered phone with an OPTIONS every 2 s
# (qualify_seconds) and removes a binding after 2 unanswered in a row. Kim's phone answers and
# stays; Lee's phone registers and then dies (its process ends): its binding is removed from
# vced and from the database with a NOTICE line, and Kim's call to Lee goes at once to his
# mobile on the PSTN (the fallback) instead of ringing nothing until the binding would expire.
# Own ports: PostgreSQL 55466, SIP 55840, phones 127.0.0.71:55841 and 127.0.0.72:55842,
# Kim's calls from 127.0.0.73, RTP 55850-55869.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
FRAUD="python3 $VCE_SRCDIR/tests/integration/fraud.py"

scenario_begin qualify
SIP=55840 SRV=127.0.0.1:55840
KIM=0262006200082 MOBILE=01098765432

pg_up "${VCE_QUALIFY_PGPORT:-55466}"
vced_setup res_pgsql app_route chan_tdm chan_sip
vced_sip_conf "$E" "$SIP" "qualify_seconds = 2" "qualify_misses = 2" "qualify_silence_ms = 1000"
printf '[general]\nhome_country = 082\n' >"$E/app_route.conf"
tdm_conf_general "media_ip = 127.0.0.1" "rtp_ports = 55850-55869"
tdm_conf_pstn
vced_up
demo_load || { fail "qualify: the demo data loads"; exit 1; }
LEE=$(psql -X -At -d vce -c "SELECT n.canonical FROM numbers n JOIN members m ON m.id = n.member_id WHERE m.email = 'jh.lee@example.org' LIMIT 1")
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$MOBILE=tone" --seconds 300 >"$T/pstn.log" 2>&1 &
scenario_bg $!

$FRAUD uas "$SRV" 127.0.0.71:55841 "$KIM" demo-pass-kim 300 >"$T/kim.log" 2>&1 &
scenario_bg $!
$FRAUD uas "$SRV" 127.0.0.72:55842 "$LEE" demo-pass-lee 3 >"$T/lee.log" 2>&1 &
lee=$!
check "Kim's phone registers" wait_for 10 grep -q "REGISTERED 200" "$T/kim.log"
check "Lee's phone registers" wait_for 10 grep -q "REGISTERED 200" "$T/lee.log"
check_match "both are bound" "$LEE .*127.0.0.72:55842" "$(ctl sip show registrations)"
check "Lee's phone is asked (an OPTIONS reached it)" wait_for 5 grep -q "^GOT OPTIONS" "$T/lee.log"
wait "$lee"  # Lee's phone is dead from here on
check "Lee's dead phone is removed within about two rounds" \
    wait_for 12 sh -c "! \"$VCECTL\" -s $E/run/vced.ctl sip show registrations | grep -q '^$LEE '"
check_match "with a NOTICE line" "$LEE terminal .* stopped answering OPTIONS: binding removed" "$(cat "$E/vced.log")"
check_eq "and from the database" 0 "$(psql -X -At -d vce -c "SELECT count(*) FROM bindings WHERE aor = '$LEE'")"
check_match "Kim's phone, which answers, stays" "^$KIM .*127.0.0.71:55841" "$(ctl sip show registrations)"
check "Kim's phone was asked more than once" sh -c "[ \$(grep -c '^GOT OPTIONS' '$T/kim.log') -ge 2 ]"
start=$(date +%s.%N)
out=$($FRAUD send "$SRV" 127.0.0.73 "sip:$LEE@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim --hold 1)
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
check_match "Kim calls Lee: his mobile answers (the PSTN fallback)" "^200$" "$out"
check "and without ringing the dead phone for the dial timeout (30 s; took ${took} s)" awk -v t="$took" 'BEGIN { exit !(t < 15) }'
check "the simulator dialled Lee's mobile" grep -q "dialled $MOBILE" "$T/pstn.log"
sleep 1
check_match "its CDR: nothing to ring for Lee's number (no binding), then the PSTN" \
    "^1:(local|own-number):CHANUNAVAIL 2:pstn:ANSWER$" \
    "$(psql -X -At -d vce -c "SELECT string_agg(leg || ':' || class || ':' || disposition, ' ' ORDER BY leg) FROM cdrs WHERE dialled = '$LEE'")"
check "vced never crashed" kill -0 "$VCED_PID"
scenario_end
