#!/bin/bash
# Integration: the short-message server of seed 004 (res_sms) in a real vced with a private
# PostgreSQL; the terminals are vce-sms processes speaking VSMS/1 on the framed port.
# Reads like the message flows: "Lee's terminal registers with a digest; Kim sends Lee a
# message by his PIN; Lee's terminal gets it and reports it delivered; Kim gets the report".
# Ports 57300-57399 (SIP 57300, framed 57310, PostgreSQL 57390); loopback 127.0.0.1.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SMS="$VCE_BUILDDIR/modules/res_sms/vce-sms"
UA=$VCE_SRCDIR/tests/integration/siptool.py

scenario_begin sms
SIP=57300 FRAMED=57310 PHONE1=57320 PHONE4=57324 GONE=57330
SRV=127.0.0.1:$FRAMED
cd "$T"

pg_up "${VCE_SMS_PGPORT:-57390}"
vced_setup res_pgsql app_route chan_sip res_sms
vced_sip_conf "$E" "$SIP"
printf '[general]\nbind_ip = 127.0.0.1\nport = %s\nnumber = 1500\nmax_body = 65536\ndelivery_timeout = 5\n%s\n' \
    "$FRAMED" "store_seconds = 15
retry_seconds = 1
retry_max = 2" >"$E/res_sms.conf"
vced_up
demo_load
psql -X -q -d vce -c "SELECT sip_account_provision('1500','vce.local','server-unused')" \
    -c "SELECT sip_account_provision(ARRAY['2001','2002','2003','2004','2005','2006'],'vce.local',ARRAY['pw2001','pw2002','pw2003','pw2004','pw2005','pw2006'])" >/dev/null
ctl route reload >/dev/null 2>&1
check "routing data loaded" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-555-1234-082 | grep -q 'SIP/025551234082'"

KIM=0262006200082 KIMPW=demo-pass-kim LEE=025551234082 LEEPW=demo-pass-lee
sms() { "$SMS" --server "$SRV" "$@"; }
# listen CHECK NAME NUMBER PASSWORD [ARGS...]: a framed terminal in the background (its pid in
# LAST_PID, its output in NAME.out, bodies in NAME/N.body); CHECK passes once it registered.
listen() {
    local what=$1 name=$2
    shift 2
    mkdir -p "$T/$name"
    "$SMS" --server "$SRV" ${UDP:+--udp} listen --number "$1" --password "$2" --save "$T/$name" --wait 300 "${@:3}" >"$T/$name.out" 2>&1 &
    LAST_PID=$!
    scenario_bg $LAST_PID
    check "$what" wait_for 5 grep -q '^REGISTERED' "$T/$name.out"
}
raw() { sms ${UDP:+--udp} raw --wait 1 | sed -n 's/^\(ERROR\|CHALLENGE\|REPORT\|REGISTERED\).*Code=\([0-9]*\).*/\1 \2/p;s/^\(CHALLENGE\|REPORT\|REGISTERED\) .*/\1/p'; }

# --- the server is a terminal at the gatekeeper ---
check_match "the server's own number is a binding (sip show registrations)" \
    "^1500  vsms:1500@127.0.0.1:$FRAMED  via vsms-tcp" "$(ctl sip show registrations 1500)"

# --- registration with digest ---
listen "Lee's framed terminal registers (digest over TCP)" lee "$LEE" "$LEEPW"
check_match "Lee's terminal is in the location store beside the SIP phones" \
    "^$LEE  vsms:$LEE@127.0.0.1:[0-9]+  via vsms-tcp" "$(ctl sip show registrations $LEE)"
out=$(sms listen --number "$LEE" --password wrong --count 1 --wait 1 2>&1)
check_match "a wrong password is refused 403" "ERROR Code=403" "$out"
check "no password in the log" sh -c "! grep -qE '$LEEPW|$KIMPW' $E/vced.log"
check_match "a failed digest is a SECURITY log line" "SECURITY event=sms_auth_failed number=$LEE" "$(cat "$E/vced.log")"

# --- framed terminal to framed terminal, by PIN ---
out=$(sms send --from "$KIM" --password "$KIMPW" --to 02-555-1234-082 --text "hello Lee" --id k1)
check_match "Kim sends Lee a message by his PIN: report delivered" "^REPORT Id=k1 Status=delivered" "$out"
check_match "Lee's terminal got it, from Kim's number" "^MESSAGE Id=s[0-9]+ From=$KIM To=$LEE .*Length=9" "$(cat "$T/lee.out")"
check_eq "the body arrived as sent" "hello Lee" "$(cat "$T/lee/1.body")"

# --- by e-mail alias, and to a VNS branch ---
listen "Kim's framed terminal registers" kim "$KIM" "$KIMPW"
out=$(sms send --from "$LEE" --password "$LEEPW" --to minji.kim@example.org --text "hi Minji" --id l1)
check_match "Lee writes to Kim's e-mail alias: delivered" "^REPORT Id=l1 Status=delivered" "$out"
check_match "Kim's terminal got it" "From=$LEE To=$KIM .*Length=8" "$(cat "$T/kim.out")"
listen "the Seoul branch's terminal registers (62006200#082)" branch '62006200#082' demo-branch-kr
out=$(sms send --from "$KIM" --password "$KIMPW" --to '6200-6200#082' --text "order 7" --id k2)
check_match "Kim writes to the company's Seoul branch (VNS number with branch): delivered" "^REPORT Id=k2 Status=delivered" "$out"
check_match "the branch's terminal got it" "To=62006200#082 .*Length=7" "$(cat "$T/branch.out")"

# --- bodies are bytes ---
: >empty.bin
head -c 65536 /dev/urandom >big.bin
printf 'a\0b\0\r\n\0VSMS/1 ERROR\r\n' >nul.bin
n=1
for f in empty.bin big.bin nul.bin; do
    n=$((n + 1))
    out=$(sms send --from "$KIM" --password "$KIMPW" --to "$LEE" --body-file "$f" --content-type application/octet-stream --id "b$n")
    check_match "a $(stat -c %s "$f")-byte body ($f): delivered" "^REPORT Id=b$n Status=delivered" "$out"
    check "$f arrived byte for byte" cmp "$f" "$T/lee/$n.body"
done
head -c 65537 /dev/zero >over.bin
out=$(sms send --from "$KIM" --password "$KIMPW" --to "$LEE" --body-file over.bin --id b9 2>&1)
check_match "a body of 64 KiB + 1 is refused 413" "ERROR Id=b9 Code=413" "$out"

# --- who may send ---
out=$(printf 'VSMS/1 MESSAGE\r\nId: x1\r\nFrom: %s\r\nTo: %s\r\nLength: 2\r\n\r\nhi\r\n' "$KIM" "$LEE" | raw)
check_eq "a message without registering first is refused 403" "ERROR 403" "$out"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 02-777-7777-082 --text "anyone?" --id k3)
check_match "an unsold number: refused with the router's reason" "^REPORT Id=k3 Status=refused Reason=" "$out"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2006 --text "hallo" --id k4)
check_match "2006 has no terminal registered: stored for it" "^REPORT Id=k4 Status=stored" "$out"
listen "2006's terminal registers (it refuses what it gets)" refuser 2006 pw2006 --refuse
check "the stored message reaches it at the registration; refused, Kim's terminal hears so" \
    wait_for 5 grep -q "^REPORT Id=k4 Status=refused" "$T/kim.out"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2006 --text "hallo" --id k5)
check_match "the callee's terminal refuses: the sender hears refused" "^REPORT Id=k5 Status=refused" "$out"

# --- framed terminal <-> SIP phone ---
mkdir -p "$T/phone1" "$T/phone4"
$UA listen $PHONE1 120 --save "$T/phone1" >"$T/phone1.out" 2>&1 &
scenario_bg $!
bound() { ss -Huln "sport = :$1" | grep -q .; }  # the phone's UDP port is open
wait_for 5 bound $PHONE1
check_eq "2001's SIP phone registers" 200 "$($UA register 127.0.0.1:$SIP 2001 pw2001 $PHONE1)"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2001 --text "to a SIP phone" --id p1)
check_match "Kim's framed terminal writes to 2001's SIP phone: delivered" "^REPORT Id=p1 Status=delivered" "$out"
check "the SIP phone got it as MESSAGE" wait_for 3 grep -q "GOT to a SIP phone" "$T/phone1.out"
check_eq "2001's SIP phone writes to Lee (framed terminals only): 200" 200 "$($UA message 127.0.0.1:$SIP 2001 pw2001 "$LEE" 'from SIP')"
check "Lee's framed terminal got it, from 2001" wait_for 3 grep -q "^MESSAGE Id=s[0-9]* From=2001 To=$LEE .*Length=8" "$T/lee.out"

# --- offline: stored, delivered at the next registration ---
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2002 --text "while you were out" --id o1)
check_match "2002 has no terminal: stored, and the sender hears so" "^REPORT Id=o1 Status=stored" "$out"
check_eq "stored in queued_messages" "while you were out" \
    "$(psql -X -At -d vce -c "SELECT convert_from(body, 'UTF8') FROM queued_messages WHERE recipient = '2002'")"
listen "2002's framed terminal registers" p2002 2002 pw2002
check "the stored message arrives at the registration" wait_for 5 grep -q "From=$KIM To=2002 .*Length=18" "$T/p2002.out"
check "and leaves the store once reported delivered" wait_for 5 sh -c "[ \$(psql -X -At -d vce -c \"SELECT count(*) FROM queued_messages WHERE recipient = '2002'\") = 0 ]"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2004 --body-file nul.bin --id o2)
check_match "a body with NUL bytes for 2004 (offline): stored" "^REPORT Id=o2 Status=stored" "$out"
$UA listen $PHONE4 30 --save "$T/phone4" >"$T/phone4.out" 2>&1 &
scenario_bg $!
wait_for 5 bound $PHONE4
check_eq "2004's SIP phone registers" 200 "$($UA register 127.0.0.1:$SIP 2004 pw2004 $PHONE4)"
check "chan_sip delivers the stored message at the REGISTER" wait_for 5 test -s "$T/phone4/1.body"
check "its NUL bytes arrived intact (the body goes by length)" cmp nul.bin "$T/phone4/1.body"

# --- registered but unreachable: retried with backoff, delivered when it comes back ---
UDP=1 listen "2003's framed terminal registers over UDP from port $GONE" gone 2003 pw2003 --bind-port $GONE
stop_pid "$LAST_PID"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2003 --text "are you there?" --id r1)
check_match "2003's terminal is gone (its binding stays): no report in time, stored" "^REPORT Id=r1 Status=stored" "$out"
check "it is tried again while 2003 stays registered (attempts count up)" wait_for 10 sh -c \
    "[ \$(psql -X -At -d vce -c \"SELECT attempts FROM queued_messages WHERE recipient = '2003'\") -ge 1 ]"
"$SMS" --server "$SRV" --udp listen --number 2003 --password x --no-register --bind-port $GONE --save "$T/gone" --wait 30 --count 1 >"$T/back.out" 2>&1 &
scenario_bg $!
check "2003's terminal comes back at its address: a retry delivers it" wait_for 10 grep -q "From=$KIM To=2003 .*Length=14" "$T/back.out"
check "Kim's terminal hears it was delivered after all" wait_for 5 grep -q "^REPORT Id=r1 Status=delivered" "$T/kim.out"
check "and it left the store" wait_for 5 sh -c "[ \$(psql -X -At -d vce -c \"SELECT count(*) FROM queued_messages WHERE recipient = '2003'\") = 0 ]"

# --- expiry: a message nobody fetches in store_seconds (15 s here) ---
out=$(sms send --from "$KIM" --password "$KIMPW" --to 2005 --text "too late" --id e1)
check_match "2005 is offline: stored" "^REPORT Id=e1 Status=stored" "$out"
check "after store_seconds Kim's terminal hears it expired" wait_for 25 grep -q "^REPORT Id=e1 Status=expired Reason=not delivered to 2005" "$T/kim.out"
check_eq "and it is gone from the store" 0 "$(psql -X -At -d vce -c "SELECT count(*) FROM queued_messages WHERE recipient = '2005'")"

# --- malformed frames: each gets its ERROR, the connection keeps working ---
reg() { printf 'VSMS/1 REGISTER\r\nNumber: %s\r\nExpires: 0\r\nLength: 0\r\n\r\n\r\n' "$KIM"; }
for UDP in "" 1; do
    via=${UDP:+UDP}; via=${via:-TCP}
    while IFS='|' read -r code name frame; do
        if [ -n "$UDP" ]; then
            out=$(printf "$frame" | raw)
            check_eq "$via: $name -> ERROR $code" "ERROR $code" "$out"
        else
            out=$( { printf "$frame"; reg; } | raw | tr '\n' ' ')
            check_eq "$via: $name -> ERROR $code, then the same connection still registers" "ERROR $code CHALLENGE " "$out"
        fi
    done <<'FRAMES'
400|not a VSMS frame|HELLO THERE\r\n\r\n\r\n
505|version 2|VSMS/2 MESSAGE\r\nLength: 0\r\n\r\n\r\n
501|unknown kind|VSMS/1 SHOUT\r\nLength: 0\r\n\r\n\r\n
400|unknown field|VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nColour: red\r\nLength: 0\r\n\r\n\r\n
400|missing To|VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nLength: 0\r\n\r\n\r\n
411|no Length|VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\n\r\n\r\n
411|Length shorter than the body|VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 2\r\n\r\nhello\r\n
413|oversized body|VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 999999\r\n\r\n\r\n
400|server-only kind|VSMS/1 CHALLENGE\r\nNumber: 1\r\nRealm: r\r\nNonce: n\r\nLength: 0\r\n\r\n\r\n
FRAMES
done
UDP=

# --- over UDP ---
UDP=1 listen "Lee's second terminal registers over UDP" lee-udp "$LEE" "$LEEPW" --terminal udp-phone
out=$(sms --udp send --from "$KIM" --password "$KIMPW" --to "$LEE" --text "both" --id u1)
check_match "a message over UDP to Lee (two terminals): delivered" "^REPORT Id=u1 Status=delivered" "$out"
check "every binding of Lee got it (TCP terminal)" grep -q 'Length=4$' "$T/lee.out"
check "every binding of Lee got it (UDP terminal)" grep -q 'Length=4$' "$T/lee-udp.out"

# --- another centre's number: delivered at that centre (a second vced, the Berlin centre) ---
BSIP=127.0.3.2:57301 BSRV=127.0.3.2:57311 E2=$T/etc2
pg_createdb vce2
vced_conf "$E2" "$PGDIR" "$PGPORT" res_pgsql app_route chan_sip res_sms
VCED_CONFDIR=$E
sed -i 's/^dbname = vce$/dbname = vce2/; ' "$E2/res_pgsql.conf"
sed -i "s/^node_id = .*/node_id = berlin-$$/" "$E2/vced.conf"
printf '[general]\nbind = %s\nrealm = vce.local\n' "$BSIP" >"$E2/sip.conf"
printf '[general]\nhome_country = 049\ncentre = Berlin centre\n' >"$E2/app_route.conf"
printf '[general]\nbind_ip = 127.0.3.2\nport = 57311\ndelivery_timeout = 3\n' >"$E2/res_sms.conf"
"$VCED" -c "$E2" -f >>"$E2/vced.log" 2>&1 &
scenario_bg $!
ctl2() { "$VCECTL" -s "$E2/run/vced.ctl" "$@"; }
check "the Berlin centre starts and migrates its database" wait_for 30 sh -c "\"$VCECTL\" -s $E2/run/vced.ctl db migrate | grep -q 'up to date'"
psql -X -q -d vce2 -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >"$T/demo2.log" 2>&1
psql -X -q -d vce2 -c "UPDATE centres SET sip_address = 'sip:127.0.0.1:$SIP' WHERE name = 'Seoul centre'" >/dev/null
psql -X -q -d vce -c "UPDATE centres SET sip_address = 'sip:$BSIP' WHERE name = 'Berlin centre'" >/dev/null
ctl2 route reload >/dev/null 2>&1
ctl route reload >/dev/null 2>&1
check "Seoul routes Anna's PIN to the Berlin centre" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl route test 030-1234-5678-049 | grep -q 'ROUTE_TARGET=SIP/$BSIP/'"
mkdir -p "$T/anna"
"$SMS" --server "$BSRV" listen --number 03012345678049 --password demo-pass-anna --save "$T/anna" --wait 60 >"$T/anna.out" 2>&1 &
scenario_bg $!
check "Anna's framed terminal registers at the Berlin centre" wait_for 5 grep -q '^REGISTERED' "$T/anna.out"
out=$(sms send --from "$KIM" --password "$KIMPW" --to 030-1234-5678-049 --text "Gruesse aus Seoul" --id c1)
check_match "Kim (Seoul) writes to Anna's PIN: delivered through the Berlin centre" "^REPORT Id=c1 Status=delivered" "$out"
check_match "Anna's terminal got it from Kim's number" "^MESSAGE Id=s[0-9]+ From=$KIM To=03012345678049 .*Length=17" "$(cat "$T/anna.out")"

# --- the daemon kept serving ---
check_match "sms show status counts the invalid frames" "invalid [1-9]" "$(ctl sms show status)"
check "no message body in the log" sh -c "! grep -qE 'hello Lee|hi Minji|order 7' $E/vced.log"
