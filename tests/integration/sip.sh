#!/bin/bash
# Integration: SIP through a real vced (res_pgsql + app_route + chan_sip) with a private
# PostgreSQL, driven by real peers: sipp, sipsak and a small python UA (siptool.py).
# Reads like the call flows: "1000 registers with digest; 1000 calls 2000; Kim is not
# registered, so the call falls back to the PSTN trunk; ...".
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SC=$VCE_SRCDIR/tests/integration/sipp
UA=$VCE_SRCDIR/tests/integration/siptool.py

scenario_begin sip
SIP=55160 UAS=55180 TRUNK=55195 LISTEN=55181
SRV=127.0.0.1:$SIP
cd "$T"

pg_up "${VCE_SIP_PGPORT:-55444}"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$SIP" "max_expires = 3600"
printf '[general]\npstn = sip\npstn_trunk = SIP/127.0.0.1:%s\n' "$TRUNK" >"$E/app_route.conf"
sed -i 's/^DIAL_TIMEOUT=.*/DIAL_TIMEOUT=3/' "$E/extensions.conf"
vced_up
demo_load
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','pw1000'), sip_account_provision('2000','vce.local','pw2000'), sip_account_provision('3000','vce.local','pw3000')" >/dev/null
check "routing data loaded" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 2000 | grep -q 'local -> SIP/2000'"

uas() {  # SCENARIO PORT: a SIPp callee in the background for one call
    sipp -sf "$SC/$1" -i 127.0.0.1 -p "$2" -m 1 -timeout 30 -timeout_error >"$T/uas-$2.out" 2>&1 &
    scenario_bg $!; echo $!
}
uac() {  # SCENARIO CALLER PASSWORD SERVICE LOG: a member's call; prints the final code seen
    sipp -sf "$SC/$1" -key domain "$SRV" -key caller "$2" -au "$2" -ap "$3" -s "$4" -i 127.0.0.1 \
        -m 1 -timeout 30 -trace_msg -message_file "$T/$5.log" "$SRV" >/dev/null 2>&1
    grep -E '^SIP/2.0 [2-6][0-9][0-9]' "$T/$5.log" | grep -vE ' (407|100|180|183) ' | tail -n 1 | cut -d' ' -f2
}
cdr() { psql -X -At -F' ' -d vce -c "SELECT leg, disposition, coalesce(sip_status,0), route, billable_seconds FROM cdrs WHERE call_id = (SELECT call_id FROM cdrs ORDER BY id DESC LIMIT 1) ORDER BY leg"; }

# --- monitoring ---
check_eq "OPTIONS is answered 200" 200 "$($UA options $SRV)"
check "sipsak OPTIONS ping" sipsak -s "sip:ping@$SRV" -v
check "sipsak OPTIONS over TCP" sipsak -s "sip:ping@$SRV" -E tcp -v
# --- registrar ---
printf 'SEQUENTIAL\n1000;40000;pw1000;[authentication username=1000 password=pw1000]\n' >users.csv
check "1000 registers with digest (sipp)" sipp -sf "$VCE_SRCDIR/tests/integration/sipp/uac_register_auth.xml" -inf users.csv \
    -key domain "$SRV" -key contact_host 127.0.0.1 -key expires 3600 -i 127.0.0.1 -m 1 -timeout 10 -timeout_error "$SRV"
check_eq "the binding is in PostgreSQL" "1000 sip:1000@127.0.0.1:40000" \
    "$(psql -X -At -F' ' -d vce -c "SELECT aor, contact FROM bindings WHERE aor = '1000'")"
check_eq "a wrong password gets 403" 403 "$($UA register $SRV 1000 wrong 40001)"
check_match "the failure is a security log line with address and port" \
    "SECURITY event=auth_failed remote=127.0.0.1:[0-9]+ user=1000 method=REGISTER reason=wrong password" "$(cat "$T/etc/vced.log")"
check "no password in the log" sh -c "! grep -q 'pw1000' $T/etc/vced.log"
check_eq "1000's phone registers with its instance id" 200 "$($UA register $SRV 1000 pw1000 41000 --instance urn:uuid:phone-a)"
check_eq "the phone moves to a new address: re-registers" 200 "$($UA register $SRV 1000 pw1000 42000 --instance urn:uuid:phone-a)"
check_eq "the move replaced its binding (one row, new contact)" "sip:1000@127.0.0.1:42000" \
    "$(psql -X -At -d vce -c "SELECT string_agg(contact, ',') FROM bindings WHERE terminal_id = '<urn:uuid:phone-a>'")"
check_eq "Expires: 0 removes the binding" 200 "$($UA register $SRV 1000 pw1000 42000 --instance urn:uuid:phone-a --expires 0)"
check_eq "removed from PostgreSQL too" 0 "$(psql -X -At -d vce -c "SELECT count(*) FROM bindings WHERE terminal_id = '<urn:uuid:phone-a>'")"

# --- calls ---
uas uas_call.xml $UAS >/dev/null
check "2000's phone (a SIPp UAS) registers" sipp -sf "$SC/uac_register_one.xml" -key domain "$SRV" -key user 2000 \
    -key contact_host 127.0.0.1 -key contact_port $UAS -key expires 3600 -au 2000 -ap pw2000 -i 127.0.0.1 -m 1 -timeout 10 -timeout_error "$SRV"
check_eq "1000 calls 2000: answered through the proxy" 200 "$(uac uac_call_auth.xml 1000 pw1000 2000 call1)"
check_match "the in-dialog BYE followed the Record-Route" "^BYE sip:127.0.0.1:$UAS" "$(cat "$T/call1.log")"
sleep 0.5
check_match "CDR: one answered leg with billable time" "^1 ANSWER 200 SIP/2000 [0-9]+$" "$(cdr)"

# 3000's phone is behind NAT: it names its private address (127.0.0.2 here) in Contact, in
# its REGISTER and in its 200 OK, and is reached at the address its REGISTER came from.
NATUAS=55183
check "3000's phone behind NAT registers (Contact 127.0.0.2, source 127.0.0.1:$NATUAS)" sipp -sf "$SC/uac_register_one.xml" \
    -key domain "$SRV" -key user 3000 -key contact_host 127.0.0.2 -key contact_port $NATUAS -key expires 3600 -au 3000 -ap pw3000 \
    -i 127.0.0.1 -p $NATUAS -m 1 -timeout 10 -timeout_error "$SRV"
sed 's/Contact: <sip:\[local_ip\]/Contact: <sip:127.0.0.2/' "$SC/uas_call.xml" >"$T/uas_natted.xml"
sipp -sf "$T/uas_natted.xml" -i 127.0.0.1 -p $NATUAS -m 1 -timeout 30 -timeout_error >"$T/uas-nat.out" 2>&1 &
scenario_bg $!
check "1000 calls 3000 behind NAT: the INVITE, ACK and BYE reach its public address" sipp -sf "$SC/uac_call_auth.xml" \
    -key domain "$SRV" -key caller 1000 -au 1000 -ap pw1000 -s 3000 -i 127.0.0.1 -m 1 -timeout 15 -timeout_error \
    -trace_msg -message_file "$T/nat1.log" "$SRV"
check_match "the 200 OK's Contact was rewritten to the public address" "^BYE sip:127.0.0.1:$NATUAS" "$(cat "$T/nat1.log")"

uas uas_call.xml $TRUNK >/dev/null
check_eq "Lee calls Kim, who is not registered: the PSTN trunk answers" 200 \
    "$(uac uac_call_auth.xml 025551234082 demo-pass-lee 02-6200-6200-082 fallback1)"
sleep 0.5
check_match "CDR: leg 1 found nobody, leg 2 went to Kim's PSTN number" \
    "^1 CHANUNAVAIL 480 SIP/0262006200082 0.2 ANSWER 200 SIP/127.0.0.1:$TRUNK/[0-9+]+ [0-9]+$" "$(cdr | tr '\n' ' ' | sed 's/ $//' | sed 's/ 2 ANSWER/.2 ANSWER/')"

uas uas_ring_forever.xml 55182 >/dev/null
check "Kim's phone (rings, never answers) registers" sipp -sf "$SC/uac_register_one.xml" -key domain "$SRV" -key user 0262006200082 \
    -key contact_host 127.0.0.1 -key contact_port 55182 -key expires 3600 -au 0262006200082 -ap demo-pass-kim -i 127.0.0.1 -m 1 -timeout 10 -timeout_error "$SRV"
uas uas_call.xml $TRUNK >/dev/null
check_eq "Kim does not answer within the Dial timeout: the PSTN trunk answers" 200 \
    "$(uac uac_call_auth.xml 025551234082 demo-pass-lee 0262006200082 fallback2)"
sleep 0.5
check_match "CDR: NOANSWER leg then the PSTN leg" "^1 NOANSWER" "$(cdr | head -n1)"

uas uas_ring_forever.xml $UAS >/dev/null
sipp -sf "$SC/uac_register_one.xml" -key domain "$SRV" -key user 2000 -key contact_host 127.0.0.1 -key contact_port $UAS \
    -key expires 3600 -au 2000 -ap pw2000 -i 127.0.0.1 -m 1 -timeout 10 "$SRV" >/dev/null 2>&1
check "1000 calls 2000 and hangs up while it rings: CANCEL, 487" sipp -sf "$SC/uac_cancel_auth.xml" -key domain "$SRV" \
    -key caller 1000 -au 1000 -ap pw1000 -s 2000 -i 127.0.0.1 -m 1 -timeout 15 -timeout_error "$SRV"
sleep 0.5
check_match "CDR: the cancelled attempt" "^1 CANCEL" "$(cdr)"

# Toll fraud: a PSTN number without valid credentials never leaves the box.
before=$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs")
check_eq "an INVITE to a PSTN number with a wrong password is refused (403)" 403 \
    "$(uac uac_call_auth.xml 1000 not-the-password +1-212-555-0100 fraud)"
check_eq "and nothing was dialled (no CDR leg)" "$before" "$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs")"
check_match "the refusal is a security log line" "SECURITY event=auth_failed remote=127.0.0.1:[0-9]+ user=1000 method=INVITE" "$(cat "$T/etc/vced.log")"

# --- short messages ---
$UA register $SRV 2000 pw2000 0 --expires 0 >/dev/null   # 2000 goes offline
psql -X -q -d vce -c "DELETE FROM bindings WHERE aor = '2000'" >/dev/null
check_eq "a MESSAGE to an offline number is stored: 202" 202 "$($UA message $SRV 1000 pw1000 2000 'while you were out')"
check_eq "stored in PostgreSQL" "while you were out" "$(psql -X -At -d vce -c "SELECT convert_from(body, 'UTF8') FROM queued_messages WHERE recipient = '2000'")"
$UA listen $LISTEN 6 >"$T/inbox" &
scenario_bg $!
sleep 0.3
check_eq "2000 comes back online" 200 "$($UA register $SRV 2000 pw2000 $LISTEN)"
check "the stored message is delivered at registration" wait_for 5 grep -q "GOT while you were out" "$T/inbox"
check "and deleted after the 2xx" wait_for 5 sh -c "[ \$(psql -X -At -d vce -c 'SELECT count(*) FROM queued_messages') = 0 ]"
check_eq "a MESSAGE to an online number is delivered: 200" 200 "$($UA message $SRV 1000 pw1000 2000 'hello now')"
check "the phone got it" wait_for 3 grep -q "GOT hello now" "$T/inbox"
check_eq "a MESSAGE by alias reaches the member's number (Kim, offline: stored)" 202 \
    "$($UA message $SRV 1000 pw1000 x 'by alias' --uri sip:minji.kim@example.org)"
check_eq "stored for Kim's account" "by alias" "$(psql -X -At -d vce -c "SELECT convert_from(body, 'UTF8') FROM queued_messages WHERE recipient = '0262006200082'")"

# --- robustness ---
printf 'INVITE sip:2000@%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bKbad\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:2000@%s>\r\nCall-ID: bad@x\r\nCSeq: one INVITE\r\nContent-Length: 0\r\n\r\n' $SRV $SRV >bad.sip
check_eq "a malformed request (bad CSeq) gets 400" 400 "$($UA raw $SRV bad.sip)"
printf '\r\n\r\n' >crlf.sip
$UA raw $SRV crlf.sip >/dev/null 2>&1
check_eq "CRLF keepalives tolerated; still serving" 200 "$($UA options $SRV)"

# --- restart ---
vced_stop
vced_start "$T/etc"
check "bindings are there after a restart" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl sip show registrations 2000 | grep -q 'sip:2000@127.0.0.1:$LISTEN'"
check_match "sip show status" "numbers online" "$(ctl sip show status)"
check_match "sip show status: SIP threads" "SIP threads: +${SIP_WORKERS:-1}\b" "$(ctl sip show status)"

# --- flood protection ---
vced_stop
vced_sip_conf "$T/etc" "$SIP" "flood_rate = 5" "flood_burst = 10"
vced_start "$T/etc"
# 30 requests back to back from one process: well above 5/s whatever the machine's load.
codes=$($UA options $SRV --count 30 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
check_match "a source above flood_rate gets 503 (first the burst is served)" "[0-9]+ 200 .*[0-9]+ 503" "$codes"
check_match "the flood is a security log line, once per episode" "SECURITY event=flood remote=127.0.0.1:[0-9]+" "$(cat "$T/etc/vced.log")"
vced_stop
vced_sip_conf "$T/etc" "$SIP" "flood_rate = 5" "flood_burst = 10" "flood_trusted = 127.0.0.1"
vced_start "$T/etc"
check_eq "trusted addresses are never limited" "30" "$($UA options $SRV --count 30 | grep -c 200)"
