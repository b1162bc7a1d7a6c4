#!/bin/bash
# Integration: the short-message server of seed 004 (res_sms) in a real vced with a private
# PostgreSQL; the terminals are vce-sms processes speaking VSMS/1 on the framed port.
# Reads like the message flows: "Lee's terminal registers with a digest; Kim sends Lee a
# message by his PIN; Lee's terminal gets it and reports it delivered; Kim gets the report".
# Ports 57300-57399 (SIP 57300, framed 57310, PostgreSQL 57390); loopback 127.0.0.1.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SMS="$VCE_BUILDDIR/modules/res_sms/vce-sms"

scenario_begin sms
SIP=57300 FRAMED=57310
SRV=127.0.0.1:$FRAMED
cd "$T"

pg_up "${VCE_SMS_PGPORT:-57390}"
vced_setup res_pgsql app_route chan_sip res_sms
vced_sip_conf "$E" "$SIP"
printf '[general]\nbind_ip = 127.0.0.1\nport = %s\nnumber = 1500\nmax_body = 65536\ndelivery_timeout = 3\n' \
    "$FRAMED" >"$E/res_sms.conf"
vced_up
demo_load
psql -X -q -d vce -c "SELECT sip_account_provision('1500','vce.local','server-unused')" >/dev/null
ctl route reload >/dev/null 2>&1
check "routing data loaded" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-555-1234-082 | grep -q 'SIP/025551234082'"

KIM=0262006200082 KIMPW=demo-pass-kim LEE=025551234082 LEEPW=demo-pass-lee
sms() { "$SMS" --server "$SRV" "$@"; }
# listen NAME NUMBER PASSWORD [ARGS...]: a framed terminal in the background; output in NAME.out
listen() {
    local name=$1
    shift
    mkdir -p "$T/$name"
    : >"$T/$name.out"
    "$SMS" --server "$SRV" ${UDP:+--udp} listen --number "$1" --password "$2" --save "$T/$name" "${@:3}" >"$T/$name.out" 2>&1 &
    scenario_bg $!
    wait_for 5 grep -q '^REGISTERED' "$T/$name.out"
}
raw() { sms ${UDP:+--udp} raw --wait 1 | sed -n 's/^\(ERROR\|CHALLENGE\|REPORT\|REGISTERED\).*Code=\([0-9]*\).*/\1 \2/p;s/^\(CHALLENGE\|REPORT\|REGISTERED\) .*/\1/p'; }

# --- the server is a terminal at the gatekeeper ---
check_match "the server's own number is a binding (sip show registrations)" \
    "^1500  vsms:1500@127.0.0.1:$FRAMED  via vsms-tcp" "$(ctl sip show registrations 1500)"

# --- registration with digest ---
check "Lee's framed terminal registers (digest over TCP)" listen lee "$LEE" "$LEEPW"
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
check "Kim's framed terminal registers" listen kim "$KIM" "$KIMPW"
out=$(sms send --from "$LEE" --password "$LEEPW" --to minji.kim@example.org --text "hi Minji" --id l1)
check_match "Lee writes to Kim's e-mail alias: delivered" "^REPORT Id=l1 Status=delivered" "$out"
check_match "Kim's terminal got it" "From=$LEE To=$KIM .*Length=8" "$(cat "$T/kim.out")"
check "the Seoul branch's terminal registers (62006200#082)" listen branch '62006200#082' demo-branch-kr
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
out=$(sms send --from "$KIM" --password "$KIMPW" --to 030-1234-5678-049 --text "hallo" --id k4)
check_match "Anna has no terminal registered: refused, not reachable" "^REPORT Id=k4 Status=refused Reason=03012345678049 is not reachable" "$out"
check "Anna's terminal refuses what it gets" listen anna 03012345678049 demo-pass-anna --refuse
out=$(sms send --from "$KIM" --password "$KIMPW" --to 030-1234-5678-049 --text "hallo" --id k5)
check_match "the callee's terminal refuses: the sender hears refused" "^REPORT Id=k5 Status=refused" "$out"

# --- malformed frames: each gets its ERROR, the connection keeps working ---
REG=$(printf 'VSMS/1 REGISTER\r\nNumber: %s\r\nExpires: 0\r\nLength: 0\r\n\r\n\r\n' "$KIM")
for UDP in "" 1; do
    via=${UDP:+UDP}; via=${via:-TCP}
    while IFS='|' read -r code name frame; do
        if [ -n "$UDP" ]; then
            out=$(printf "$frame" | raw)
            check_eq "$via: $name -> ERROR $code" "ERROR $code" "$out"
        else
            out=$( { printf "$frame"; printf '%s' "$REG"; } | raw | tr '\n' ' ')
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
UDP=1 check "Lee's second terminal registers over UDP" listen lee-udp "$LEE" "$LEEPW" --terminal udp-phone
out=$(sms --udp send --from "$KIM" --password "$KIMPW" --to "$LEE" --text "both" --id u1)
check_match "a message over UDP to Lee (two terminals): delivered" "^REPORT Id=u1 Status=delivered" "$out"
check "every binding of Lee got it (TCP terminal)" grep -q 'Length=4$' "$T/lee.out"
check "every binding of Lee got it (UDP terminal)" grep -q 'Length=4$' "$T/lee-udp.out"

# --- the daemon kept serving ---
check_match "sms show status counts the invalid frames" "invalid [1-9]" "$(ctl sms show status)"
check "no message body in the log" sh -c "! grep -qE 'hello Lee|hi Minji|order 7' $E/vced.log"
