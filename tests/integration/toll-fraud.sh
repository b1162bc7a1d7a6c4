#!/bin/bash
# Integration: who may reach a PSTN trunk or a carrier through the exchange. A real vced
# (res_pgsql, app_route, chan_sip, chan_tdm with the simulated PSTN on a trunk group) with the
# demo data; peers in SQL of every kind with their reach (a centre and a box: our numbers only;
# a carrier: also carriers; a SIP trunk: also the PSTN); the demo carrier's centre is a listener
# that counts what reaches it; Kim's phone is a UAS that answers. First the peer kinds x route
# classes, then a barrage of more than 30 ways to reach a trunk or the carrier without the
# right; then the PSTN simulator's log, the carrier's log and the CDRs must show that none got
# through. Last, positive controls: the peers and the member who may, do.
# Own ports: PostgreSQL 55458, SIP 55730, carrier 127.0.0.40:55735, Kim 127.0.0.32:55736,
# RTP 55740-55759.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
FRAUD="python3 $VCE_SRCDIR/tests/integration/fraud.py"

scenario_begin toll-fraud
SIP=55730 SRV=127.0.0.1:55730
KIM=0262006200082 PSTN=0212345678 VOIP=07012345678
CARRIER=127.0.0.40:55735
CENTRE=127.0.0.21 CARRIERPEER=127.0.0.22 TRUNKPEER=127.0.0.23 BOXPEER=127.0.0.24
STRANGER=127.0.0.30 MEMBER=127.0.0.31

pg_up "${VCE_FRAUD_PGPORT:-55458}"
vced_setup res_pgsql app_route chan_tdm chan_sip
vced_sip_conf "$E" "$SIP"
printf '[general]\nhome_country = 082\n' >"$E/app_route.conf"
tdm_conf_general "media_ip = 127.0.0.1" "rtp_ports = 55740-55759"
tdm_conf_pstn
vced_up
demo_load || { fail "toll-fraud: the demo data loads"; exit 1; }
psql -X -q -d vce -v ON_ERROR_STOP=1 >"$T/peers.log" 2>&1 <<SQL
UPDATE carriers SET sip_address = 'sip:$CARRIER' WHERE name = 'Hanul VoIP';
SELECT peer_set('t-centre', 'centre', '$CENTRE');
SELECT peer_set('t-box', 'box', '$BOXPEER');
SELECT peer_set('t-carrier', 'carrier', '$CARRIERPEER', reach => 'carriers');
SELECT peer_set('t-trunk', 'trunk', '$TRUNKPEER/32', reach => 'pstn');
SQL
if [ $? -eq 0 ]; then pass "peers are set in SQL"; else fail "peers are set in SQL" "$(cat "$T/peers.log")"; fi
ctl route reload >/dev/null
peers=$(ctl route show peers)
check_match "route show peers: the centre reaches our numbers only" "$CENTRE +t-centre +centre +from-centres +own" "$peers"
check_match "route show peers: the SIP trunk reaches the PSTN" "$TRUNKPEER +t-trunk +trunk +from-centres +pstn" "$peers"
check_match "route show peers: the demo carrier by its address, our numbers only" "127.0.0.40 +carrier Hanul VoIP +carrier +from-centres +own" "$peers"
out=$(psql -X -q -d vce -c "SELECT peer_set('x', 'centre', 'centre.example.net')" 2>&1)
check_match "peer_set refuses a name for an address, saying why" "is not an IP address or network" "$out"
out=$(psql -X -q -d vce -c "SELECT peer_set('x', 'centre', '192.0.2.1', reach => 'all')" 2>&1)
check_match "peer_set refuses an unknown reach, saying which there are" "own \(our numbers\), carriers .* or pstn" "$out"

spans_up() { wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"; }
# Calls from the PSTN (its DID) to a PSTN number and to another carrier's: never back out.
$FRAUD listen "$CARRIER" 600 >"$T/carrier.log" 2>&1 &
scenario_bg $!
for n in "$PSTN" "$VOIP"; do
    "$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$PSTN=tone" --call "1:$n" --seconds 30 >"$T/transit-$n.log" 2>&1 &
    simpid=$!
    check "(t1) from the PSTN to $n: ended by the dialplan (403)" \
        wait_for 15 sh -c "[ \$(grep -c 'TDM/pstn/1: dialplan ended: .*cause 403' '$E/vced.log') -ge \$(( $([ "$n" = "$PSTN" ] && echo 1 || echo 2) ))  ]"
    kill "$simpid" 2>/dev/null; wait "$simpid" 2>/dev/null
    spans_up
done
check "(t2) from the PSTN: the other trunk was not dialled" sh -c "! grep -q 'ch2: dialled' '$T/transit-$PSTN.log' '$T/transit-$VOIP.log'"
check_eq "(t3) from the PSTN to another carrier: nothing reached the carrier" 0 "$(grep -c '^GOT INVITE' "$T/carrier.log")"
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$PSTN=tone,01098765432=tone" --seconds 600 >"$T/pstn.log" 2>&1 &
scenario_bg $!
spans_up
$FRAUD uas "$SRV" 127.0.0.32:55736 "$KIM" demo-pass-kim 600 >"$T/kim.log" 2>&1 &
scenario_bg $!
check "Kim's phone registers" wait_for 10 grep -q "REGISTERED 200" "$T/kim.log"

send() { $FRAUD send "$SRV" "$@" 2>&1; }
try() {  # NAME EXPECTED-REGEX ARGS... (fraud.py send SERVER ARGS...)
    local name=$1 want=$2
    shift 2
    check_match "$name" "$want" "$(send "$@")"
}
pstn_calls() { grep -c "dialled" "$T/pstn.log"; }
carrier_invites() { grep -c "^GOT INVITE" "$T/carrier.log"; }

# Peer kinds x route classes (the own-number calls reach Kim; the rest are refused 403).
for p in "centre $CENTRE" "box $BOXPEER" "carrier $CARRIERPEER"; do
    set -- $p
    try "$1 peer -> our member: answered" "^200$" "$2" "sip:$KIM@$SRV"
    try "$1 peer -> the PSTN: refused 403" "^403$" "$2" "sip:$PSTN@$SRV"
done
try "centre peer -> another carrier: refused 403" "^403$" "$CENTRE" "sip:$VOIP@$SRV"
try "box peer -> another carrier: refused 403" "^403$" "$BOXPEER" "sip:$VOIP@$SRV"
try "trunk peer -> our member: answered" "^200$" "$TRUNKPEER" "sip:$KIM@$SRV"

# The barrage: every one of these must stay off the trunks and away from the carrier.
try "(1) unknown source: challenged" "^407$" "$STRANGER" "sip:$PSTN@$SRV"
try "(2) unknown source, a member's From forged: challenged" "^407$" "$STRANGER" "sip:$PSTN@$SRV" --from "sip:$KIM@$SRV"
try "(3) a member's number, wrong password: 403" "^403$" "$STRANGER" "sip:$PSTN@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password guessed
try "(4) unknown source to another carrier: challenged" "^407$" "$STRANGER" "sip:$VOIP@$SRV"
try "(5) centre: E.164 with +" "^403$" "$CENTRE" "sip:+82212345678@$SRV"
try "(6) centre: international 00 prefix" "^403$" "$CENTRE" "sip:0082212345678@$SRV"
try "(7) centre: %-encoded +" "^403$" "$CENTRE" "sip:%2B82212345678@$SRV"
try "(8) centre: %-encoded digits" "^403$" "$CENTRE" "sip:%30%32%31%32%33%34%35%36%37%38@$SRV"
try "(9) centre: dashes" "^403$" "$CENTRE" "sip:02-1234-5678@$SRV"
try "(10) centre: user=phone" "^403$" "$CENTRE" "sip:$PSTN@$SRV;user=phone"
try "(11) centre: # as end of dialling" "^(403|404|484)$" "$CENTRE" "sip:$PSTN%23@$SRV"
try "(12) centre: the PSTN number with the home country code" "^(403|404)$" "$CENTRE" "sip:82212345678@$SRV"
try "(13) centre: the Request-URI names the carrier's host" "^(403|404)$" "$CENTRE" "sip:$PSTN@$CARRIER"
try "(14) centre: a tel: URI" "^(403|404|416|484)$" "$CENTRE" "tel:+82212345678"
try "(15) centre: Max-Forwards 0" "^(403|483)$" "$CENTRE" "sip:$PSTN@$SRV" --max-forwards 0
try "(16) centre: Max-Forwards 1" "^(403|483)$" "$CENTRE" "sip:$PSTN@$SRV" --max-forwards 1
try "(17) unknown source: Max-Forwards 0" "^(407|483)$" "$STRANGER" "sip:$PSTN@$SRV" --max-forwards 0
try "(18) centre: a pre-loaded Route to the carrier, our member dialled" "^200$" "$CENTRE" "sip:$KIM@$SRV" --header "Route: <sip:$CARRIER;lr>"
try "(19) centre: a pre-loaded Route to us, then the carrier" "^403$" "$CENTRE" "sip:$PSTN@$SRV" --header "Route: <sip:$SRV;lr>, <sip:$CARRIER;lr>"
try "(20) unknown source: a pre-loaded Route to the carrier" "^407$" "$STRANGER" "sip:$PSTN@$SRV" --header "Route: <sip:$CARRIER;lr>"
try "(21) unknown source: a forged dialog (To-tag) to the carrier" "^481$" "$STRANGER" "sip:$PSTN@$CARRIER" --to "sip:$PSTN@$SRV" --to-tag forged
try "(22) unknown source: a forged dialog loose-routed to the carrier" "^481$" "$STRANGER" "sip:$PSTN@$SRV" --to-tag forged --header "Route: <sip:$SRV;lr>, <sip:$CARRIER;lr>"
try "(23) centre: a forged dialog to the carrier" "^481$" "$CENTRE" "sip:$VOIP@$CARRIER" --to-tag forged
try "(24) unknown source: a forged BYE to the carrier" "^481$" "$STRANGER" "sip:$PSTN@$CARRIER" --method BYE --to-tag forged
try "(25) unknown source: a forged UPDATE to the carrier" "^481$" "$STRANGER" "sip:$PSTN@$CARRIER" --method UPDATE --to-tag forged
try "(26) centre: a re-INVITE in its call to Kim, to the carrier" "^200 481$" "$CENTRE" "sip:$KIM@$SRV" --then "INVITE sip:$VOIP@$CARRIER"
try "(27) centre: an UPDATE in its call to Kim, to the carrier" "^200 481$" "$CENTRE" "sip:$KIM@$SRV" --then "UPDATE sip:$VOIP@$CARRIER"
try "(28) centre: a REFER in its call to Kim, to a PSTN number" "^200 " "$CENTRE" "sip:$KIM@$SRV" --then "REFER sip:$PSTN@$SRV"
try "(29) unknown source: a MESSAGE to the carrier" "^407$" "$STRANGER" "sip:$VOIP@$SRV" --method MESSAGE
try "(30) centre: a MESSAGE to another carrier's number" "^403$" "$CENTRE" "sip:$VOIP@$SRV" --method MESSAGE
try "(31) box peer: the PSTN through a forged dialog of its own" "^481$" "$BOXPEER" "sip:$PSTN@$CARRIER" --to-tag forged
try "(32) carrier peer: the PSTN with + and dashes" "^403$" "$CARRIERPEER" "sip:+82-2-1234-5678@$SRV"
try "(33) carrier peer: our member not registered falls back to nobody" "^(404|480)$" "$CARRIERPEER" "sip:0262006201082@$SRV"
check_eq "no PSTN call reached a trunk" 0 "$(pstn_calls)"
check_eq "no INVITE reached the carrier" 0 "$(carrier_invites)"
check_eq "no CDR leg to a trunk or the carrier" 0 \
    "$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs WHERE route LIKE 'TDM/%' OR route LIKE '%127.0.0.40%'")"
check "Kim got the pre-loaded Route's call (18) and the REFER (28)" sh -c "grep -q '^GOT REFER' '$T/kim.log'"
check_match "a SECURITY line names the dialog's stranger target" "SECURITY event=in_dialog_target remote=$CENTRE" "$(cat "$E/vced.log")"
check_match "a SECURITY line for a peer's call beyond its reach" "SECURITY event=not_permitted remote=$CENTRE:[0-9]+ peer=t-centre caller=.* dialled=$PSTN reach=own" "$(cat "$E/vced.log")"

# Positive controls: who may, does.
check_match "the SIP trunk peer reaches the PSTN (answered by the simulator)" "^200$" "$(send "$TRUNKPEER" "sip:$PSTN@$SRV" --hold 1)"
check "and the simulator was dialled" wait_for 5 grep -q "dialled $PSTN" "$T/pstn.log"
check_match "the carrier peer reaches the other carrier (its centre answered 486)" "^486$" "$(send "$CARRIERPEER" "sip:$VOIP@$SRV")"
check_eq "and the carrier got that INVITE" 1 "$(carrier_invites)"
before=$(pstn_calls)
check_match "Kim's own phone with her password reaches the PSTN" "^200$" \
    "$(send "$MEMBER" "sip:$PSTN@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim --hold 1)"
check "and the simulator was dialled again" wait_for 5 sh -c "[ \$(grep -c dialled '$T/pstn.log') -gt $before ]"

# Rated as it is written (cdr_record, cdr_rate's rules), at its real destination.
check_match "Kim's PSTN call is rated when its CDR is written (Korea fixed, 1 min at 0.02)" "^pstn\|\+82212345678\|0\.0200$" \
    "$(wait_for 5 true; psql -X -At -d vce -c "SELECT class, routed_to, cost FROM cdrs WHERE route LIKE 'TDM/%' AND caller = '$KIM' ORDER BY id DESC LIMIT 1")"
LEE=$(psql -X -At -d vce -c "SELECT n.canonical FROM numbers n JOIN members m ON m.id = n.member_id WHERE m.email = 'jh.lee@example.org' LIMIT 1")
check_match "Kim calls Lee, who is not registered: his mobile answers (PSTN fallback)" "^200$" \
    "$(send "$MEMBER" "sip:$LEE@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim --hold 2)"
sleep 1
check_match "the fallback leg is rated as the PSTN call it was (Korea mobile: a first 30 s at 0.06/min)" "^2\|pstn\|\+821098765432\|0\.0300$" \
    "$(psql -X -At -d vce -c "SELECT leg, class, routed_to, cost FROM cdrs WHERE dialled = '$LEE' ORDER BY leg DESC LIMIT 1")"

# The caller's number toward the carrier (seed 003 S450) and P-Asserted-Identity (RFC 3325).
KIMCALL=(--from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim)
last_caller() { grep '^CALLER ' "$T/carrier.log" | tail -1; }
send "$MEMBER" "sip:$VOIP@$SRV" "${KIMCALL[@]}" >/dev/null
check_match "to a carrier that is no peer of ours: Kim's PIN as its E.164 PSTN number, no PAI" \
    "^CALLER from=<sip:\+82262006200@[^>]*>;tag=[^ ]+ pai=-$" "$(last_caller)"
psql -X -q -d vce -c "SELECT peer_set('t-hanul', 'carrier', '127.0.0.40'); SELECT peer_set_caller_id('t-hanul', 'national', asserted_identity => true)" >/dev/null
ctl route reload >/dev/null
check_match "route show peers: the carrier's caller id form" "t-hanul .* national\+asserted" "$(ctl route show peers)"
send "$MEMBER" "sip:$VOIP@$SRV" "${KIMCALL[@]}" >/dev/null
check_match "to a trusted carrier that wants national numbers: national From and PAI" \
    "^CALLER from=<sip:0262006200@[^>]*>;tag=[^ ]+ pai=<sip:0262006200@[^;>]*;user=phone>$" "$(last_caller)"
send "$MEMBER" "sip:$VOIP@$SRV" "${KIMCALL[@]}" --header "Privacy: id" >/dev/null
check_match "Kim asks for privacy: anonymous From, the trusted carrier still gets the PAI" \
    "^CALLER from=\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=[^ ]+ pai=<sip:0262006200@" "$(last_caller)"
send "$TRUNKPEER" "sip:$VOIP@$SRV" --from "sip:+82299998888@$TRUNKPEER" --header "P-Asserted-Identity: <sip:$KIM@$SRV>" >/dev/null
check_match "a peer outside our trust domain: its forged PAI does not reach the carrier" \
    "^CALLER from=<sip:\+82299998888@$TRUNKPEER>;tag=[^ ]+ pai=-$" "$(last_caller)"
psql -X -q -d vce -c "SELECT peer_remove('t-hanul')" >/dev/null
ctl route reload >/dev/null

# Limits: the box peer may hold one call, the carrier peer start one call in 5 s (the burst's
# three senders start within a second or two).
psql -X -q -d vce -c "SELECT peer_set('t-box', 'box', '$BOXPEER', max_channels => 1); SELECT peer_set('t-carrier', 'carrier', '$CARRIERPEER', reach => 'carriers', max_cps => 0.2)" >/dev/null
ctl route reload >/dev/null
check_match "route show peers: the limits" "t-box .* 1 channels" "$(ctl route show peers)"
send "$BOXPEER" "sip:$KIM@$SRV" --hold 6 >"$T/held.log" &
held=$!
sleep 2
check_match "a second call of the one-channel box peer: 503" "^503$" "$(send "$BOXPEER" "sip:$KIM@$SRV")"
wait "$held"
check_match "the held call was answered" "^200$" "$(cat "$T/held.log")"
check_match "once it ended, the box peer calls again" "^200$" "$(send "$BOXPEER" "sip:$KIM@$SRV")"
burst=$(for i in 1 2 3; do send "$CARRIERPEER" "sip:$KIM@$SRV" & done; wait)
check_match "three calls at once from the carrier peer of one call in 5 s: one admitted, the rest 503" "^200 503 503$" "$(echo $burst | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check_match "a SECURITY line for the peer's limit" "SECURITY event=peer_limit remote=$BOXPEER:[0-9]+ peer=t-box limit=max_channels 1" "$(cat "$E/vced.log")"
check "vced never crashed" kill -0 "$VCED_PID"
check "no password in the log" sh -c "! grep -q 'demo-pass-kim\|guessed' '$E/vced.log'"
scenario_end
