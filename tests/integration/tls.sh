#!/bin/bash
# Integration: SIP over TLS, and phones known to be alive over their connections. A real vced
# (res_pgsql, app_route, chan_tdm with the simulated PSTN, chan_sip on UDP/TCP 57200 and TLS
# 57201 with a throw-away CA and server certificate made here by openssl) and real baresips:
#   - a missing key file is refused at start with its name; openssl s_client gets TLS 1.2 with
#     our certificate, and TLS 1.1 is refused even where OpenSSL itself would allow it;
#   - Kim's baresip registers over TLS (bound "via tls"); Anna's baresip (UDP) calls her, and
#     the INVITE reaches Kim over her own TLS connection (she takes no connection: no
#     certificate); a TLS phone of Kim's calls Anna (UDP) and hangs up through the Record-Route;
#   - sips: a phone (keepalive.py) registers sips:LEE with a sips: Contact over TLS, is called
#     over its connection (its 486 comes back), and its binding goes when it hangs up the
#     connection (baresip 1.0 cannot dial a sips: URI);
#   - RFC 5626: a CRLF CRLF ping over TCP gets a CRLF pong, and the connection goes on serving;
#   - Lee's baresip registers over TLS and dies (SIGKILL: no un-REGISTER, its connection
#     closes): the binding goes at once, with a NOTICE, and a call to Lee goes to his mobile on
#     the PSTN at once;
#   - nat_max_expires: a REGISTER from another address than its Contact (NAT) gets at most it.
# Own ranges: SIP 127.0.2.1:57200 (udp, tcp), 57201 (tls), PostgreSQL 57290, baresips on
# 127.0.0.1:57210.., RTP 57230-57289, callers from 127.0.2.5-9.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
FRAUD="python3 $VCE_SRCDIR/tests/integration/fraud.py"
SIPTOOL="python3 $VCE_SRCDIR/tests/integration/siptool.py"
KEEPALIVE="python3 $VCE_SRCDIR/tests/integration/keepalive.py"

scenario_begin tls
command -v baresip >/dev/null || { fail "baresip is installed"; exit 1; }
command -v openssl >/dev/null || { fail "openssl is installed"; exit 1; }
IP=127.0.2.1 SIP=57200 TLS=57201
SRV=$IP:$SIP TSRV=$IP:$TLS
KIM=0262006200082 LEE=025551234082 ANNA=03012345678049 MOBILE=01098765432

# A throw-away CA and a server certificate for 127.0.2.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 \
    -subj "/CN=vce test CA" >"$T/openssl.log" 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj "/CN=$IP" >>"$T/openssl.log" 2>&1
printf 'subjectAltName = IP:%s\n' "$IP" >"$T/san.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
    -out "$T/server.crt" -days 2 -extfile "$T/san.ext" >>"$T/openssl.log" 2>&1
check "a CA and a server certificate are made" test -s "$T/server.crt"

pg_up "${VCE_TLS_PGPORT:-57290}"
vced_setup res_pgsql app_route chan_tdm chan_sip
sip_conf() {  # KEYFILE
    printf '%s\n' "[general]" "bind = $SRV" "realm = vce.local" "tls_port = $TLS" \
        "tls_certificate = $T/server.crt" "tls_private_key = $1" "nat_max_expires = 60" \
        "md5_only_agents = baresip" >"$E/sip.conf"
}
printf '[general]\nhome_country = 082\n' >"$E/app_route.conf"
tdm_conf_general "media_ip = 127.0.0.1" "rtp_ports = 57230-57249"
tdm_conf_pstn

# A key file that is not there: vced refuses to start and names it.
sip_conf "$T/missing.key"
timeout 10 "$VCED" -c "$E" -f >"$T/refused.log" 2>&1
rc=$?
check "vced with a missing key file does not start (exit $rc)" test "$rc" != 0 -a "$rc" != 124
check_match "the error names the file" "sip.conf:[0-9]+: tls_private_key $T/missing.key: cannot read it" "$(cat "$T/refused.log")"

sip_conf "$T/server.key"
# OpenSSL here allows TLS 1.0 and 1.1 for everyone in vced (a lax system configuration), so
# that a refused TLS 1.1 is vced's own floor and not the system's default.
printf '%s\n' "openssl_conf = init" "[init]" "ssl_conf = ssl_sect" "[ssl_sect]" \
    "system_default = lax" "[lax]" "MinProtocol = TLSv1" "CipherString = DEFAULT@SECLEVEL=0" \
    >"$T/lax.cnf"
OPENSSL_CONF=$T/lax.cnf vced_up
demo_load || { fail "tls: the demo data loads"; exit 1; }
check_match "vced listens for SIP over TLS" "SIP listening on sip:$TSRV;transport=tls \(TLS 1.2 or later" "$(cat "$E/vced.log")"
check_match "sip show status names it" "^TLS: +sip:$TSRV;transport=tls" "$(ctl sip show status)"

sclient() { echo | timeout 10 openssl s_client -connect "$TSRV" -CAfile "$T/ca.crt" "$@" 2>&1; }
out=$(sclient -tls1_2 -verify_return_error)
check_match "openssl s_client -tls1_2: accepted" "New, TLSv1.2, Cipher is [A-Z]" "$out"
check_match "with our certificate, verified against the test CA" "Verify return code: 0 \(ok\)" "$out"
check_match "openssl s_client -tls1_3: accepted" "New, TLSv1.3, Cipher is [A-Z]" "$(sclient -tls1_3)"
out=$(OPENSSL_CONF=$T/lax.cnf sclient -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')
if printf '%s' "$out" | grep -qE "Cipher is [A-Z]"; then
    fail "openssl s_client -tls1_1: refused" "$(printf '%s' "$out" | grep -E 'Protocol|Cipher' | head -3)"
else
    pass "openssl s_client -tls1_1: refused"
fi
# The same lax OpenSSL does speak TLS 1.1 with a server that sets no floor (openssl s_server):
# the refusal above is vced's.
sleep 15 | OPENSSL_CONF=$T/lax.cnf openssl s_server -accept 127.0.2.1:57202 -cert "$T/server.crt" \
    -key "$T/server.key" -cipher 'DEFAULT@SECLEVEL=0' -naccept 1 >"$T/s_server.log" 2>&1 &
scenario_bg $!
sleep 1
out=$(echo | OPENSSL_CONF=$T/lax.cnf timeout 10 openssl s_client -connect 127.0.2.1:57202 -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' 2>&1)
check_match "(control: this OpenSSL speaks TLS 1.1 to a server without a floor)" "Cipher is [A-Z]" "$out"
check "vced still serves after the refused handshake" sh -c "$KEEPALIVE ping tls $TSRV --ca $T/ca.crt | grep -q 'OPTIONS 200'"

# Kim's phone over TLS (it trusts the test CA), Anna's over UDP, Lee's over TLS.
baresip_conf --rtp 57250-57259 "$T/kim" 57210 "<sip:$KIM@$TSRV;transport=tls>;auth_pass=demo-pass-kim;answermode=auto;regint=600"
baresip_conf --rtp 57260-57269 "$T/anna" 57213 "<sip:$ANNA@$SRV;transport=udp>;auth_pass=demo-pass-anna;answermode=auto;regint=600"
baresip_conf --rtp 57270-57279 "$T/lee" 57216 "<sip:$LEE@$TSRV;transport=tls>;auth_pass=demo-pass-lee;answermode=auto;regint=600"
for d in kim anna lee; do echo "sip_cafile $T/ca.crt" >>"$T/$d/config"; done
baresip -f "$T/kim" -t 60 >"$T/kim.log" 2>&1 &
scenario_bg $!
check "Kim's baresip registers over TLS" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations $KIM | grep -q baresip"
check_match "her binding: via tls, at her connection's address" "^$KIM .* via tls 127\.0\.0\.1:[0-9]+ " "$(ctl sip show registrations $KIM)"
check_eq "stored as tls in the database" "tls" "$(psql -X -At -d vce -c "SELECT transport FROM bindings WHERE aor = '$KIM'")"

call() {  # DIR LOG URI: DIR's baresip dials URI, holds ~5 s, hangs up
    timeout 25 baresip -f "$T/$1" -t 8 -e "/dial $3" >"$T/$2.log" 2>&1
}
call anna anna-kim "sip:$KIM@$SRV"
check_match "Anna (UDP) calls Kim (TLS): call established" "Call established: sip:$KIM@" "$(tr -d '\033' <"$T/anna-kim.log")"
sleep 1
# Kim's baresip has no certificate: it takes no TLS connection, so the INVITE reached it over
# the connection it registered on.
check_eq "answered by Kim's phone (its CDR)" "1" \
    "$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs WHERE disposition = 'ANSWER' AND route = 'SIP/$KIM'")"
check_match "audio flows both ways" "audio=64000/64000" "$(tr -d '\033' <"$T/anna-kim.log")"

# Anna's phone registers for a while (to be called); a second phone of Kim's, over TLS, calls
# her: the call crosses from TLS to UDP (a Record-Route entry for each side).
baresip -f "$T/anna" -t 30 >"$T/anna.log" 2>&1 &
scenario_bg $!
check "Anna's baresip registers over UDP" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations $ANNA | grep -q 'via udp'"
baresip_conf --rtp 57280-57289 "$T/kim2" 57219 "<sip:$KIM@$TSRV;transport=tls>;auth_pass=demo-pass-kim;answermode=auto;regint=600"
echo "sip_cafile $T/ca.crt" >>"$T/kim2/config"
call kim2 kim-anna "sip:$ANNA@$TSRV;transport=tls"
check_match "Kim (TLS) calls Anna (UDP): call established" "Call established: sip:$ANNA@" "$(tr -d '\033' <"$T/kim-anna.log")"
check_match "and ended by a BYE that found its way back (Record-Route per side)" "session closed|Call terminated|terminated" "$(tr -d '\033' <"$T/kim-anna.log")"
sleep 1
check_eq "answered by Anna's phone (its CDR, written at the BYE)" "1" \
    "$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs WHERE disposition = 'ANSWER' AND route = 'SIP/$ANNA'")"

# sips: a phone (over TLS) registers sips:LEE with a sips: Contact, and is called over its
# connection; it answers 486.
$KEEPALIVE phone "$TSRV" "$LEE" demo-pass-lee --ca "$T/ca.crt" --answer 486 --seconds 12 >"$T/sips.log" 2>&1 &
sips=$!
scenario_bg $sips
check "a phone registers sips:$LEE over TLS" wait_for 5 grep -q "REGISTERED 200" "$T/sips.log"
check_match "bound with its sips: Contact, via tls" "^$LEE +sips:$LEE@127\.0\.0\.1:[0-9]+ +via tls " "$(ctl sip show registrations $LEE)"
out=$($FRAUD send "$SRV" 127.0.2.7 "sip:$LEE@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim)
check_match "Kim calls Lee: the sips: phone's 486 comes back" "^486$" "$out"
check_match "the INVITE reached it over its TLS connection, to its sips: Contact" "^GOT INVITE sips:$LEE@127\.0\.0\.1:" "$(cat "$T/sips.log")"
wait "$sips"
check "its binding goes when it closes its connection" \
    wait_for 3 sh -c "! \"$VCECTL\" -s $E/run/vced.ctl sip show registrations | grep -q '^$LEE '"

# RFC 5626 keepalives over a connection of its own.
out=$($KEEPALIVE ping tcp "$SRV")
check_match "a CRLF CRLF ping over TCP gets a CRLF pong" "^PONG" "$out"
check_match "and the connection goes on serving (OPTIONS over it: 200)" "OPTIONS 200" "$out"
out=$($KEEPALIVE ping tls "$TSRV" --ca "$T/ca.crt")
check_match "a ping over TLS leaves the connection serving (OPTIONS over it: 200)" "OPTIONS 200" "$out"
echo "  (over TLS: $(echo "$out" | head -1); sofia-sip answers pings with a pong over TCP only)"

# Lee's phone over TLS dies: its connection closes, and its binding goes with it.
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$MOBILE=tone" --seconds 120 >"$T/pstn.log" 2>&1 &
scenario_bg $!
baresip -f "$T/lee" -t 60 >"$T/lee.log" 2>&1 &
lee=$!
check "Lee's baresip registers over TLS" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations $LEE | grep -q 'via tls'"
kill -KILL "$lee"
wait "$lee" 2>/dev/null
check "Lee's binding is removed as his connection closes (within 2 s)" \
    wait_for 2 sh -c "! \"$VCECTL\" -s $E/run/vced.ctl sip show registrations | grep -q '^$LEE '"
check_match "with a NOTICE line" "$LEE terminal .* its tls connection closed: binding removed" "$(cat "$E/vced.log")"
check_eq "and from the database" 0 "$(psql -X -At -d vce -c "SELECT count(*) FROM bindings WHERE aor = '$LEE'")"
start=$(date +%s.%N)
out=$($FRAUD send "$SRV" 127.0.2.5 "sip:$LEE@$SRV" --from "sip:$KIM@$SRV" --user "$KIM" --password demo-pass-kim --hold 1)
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
check_match "Kim calls Lee: his mobile answers (the PSTN fallback)" "^200$" "$out"
check "at once (took ${took} s)" awk -v t="$took" 'BEGIN { exit !(t < 10) }'
check "the simulator dialled Lee's mobile" grep -q "dialled $MOBILE" "$T/pstn.log"

# nat_max_expires: a REGISTER from 127.0.2.6 naming 127.0.0.1 in its Contact (NAT rewrote the
# source) asks for an hour and gets at most 60 s; the same from the Contact's own address gets
# the hour.
check_eq "a REGISTER from behind NAT is accepted" "200" \
    "$($SIPTOOL register "$SRV" "$LEE" demo-pass-lee 57220 --bind 127.0.2.6 --expires 3600)"
check_match "with at most nat_max_expires (60 s)" "^$LEE .*127\.0\.0\.1:57220 .*via udp 127\.0\.2\.6:[0-9]+ +expires in (60|59|58)s" "$(ctl sip show registrations $LEE)"
check_eq "a REGISTER from its own contact address is accepted" "200" \
    "$($SIPTOOL register "$SRV" "$LEE" demo-pass-lee 57221 --bind 127.0.0.1 --expires 3600)"
check_match "with the hour it asked for" "^$LEE .*127\.0\.0\.1:57221 .*expires in (3600|3599|3598)s" "$(ctl sip show registrations $LEE)"
check "vced never crashed" kill -0 "$VCED_PID"
check "no password in the log" sh -c "! grep -q 'demo-pass' '$E/vced.log'"
scenario_end
