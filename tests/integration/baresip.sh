#!/bin/bash
# Integration: two real softphones (baresip) register at vced with digest credentials;
# Lee calls Kim by PIN and then by e-mail alias; audio flows both ways (RTP end to end,
# the exchange proxies signalling only). Everything on loopback.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

scenario_begin baresip
SIP=55360 SRV=127.0.0.1:55360
command -v baresip >/dev/null || { fail "baresip is installed"; exit 1; }

pg_up "${VCE_BS_PGPORT:-55446}"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$SIP"
vced_up
demo_load

# Two headless baresips (sine source, no sound card), loopback only.
baresip_conf "$T/kim" 55370 "<sip:0262006200082@$SRV;transport=udp>;auth_pass=demo-pass-kim;answermode=auto;regint=600"
baresip_conf "$T/lee" 55380 "<sip:025551234082@$SRV;transport=udp>;auth_pass=demo-pass-lee;answermode=auto;regint=600;outbound=\"sip:$SRV\""

baresip -f "$T/kim" -t 40 >"$T/kim.log" 2>&1 &
scenario_bg $!
check "Kim's baresip registers (digest)" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl sip show registrations 0262006200082 | grep -q baresip"

call() {  # LOG URI: Lee dials URI, holds ~5 s, hangs up
    timeout 20 baresip -f "$T/lee" -t 7 -e "/dial $2" >"$T/$1.log" 2>&1
}
call bypin "sip:02-6200-6200-082@$SRV"
check_match "Lee calls Kim by PIN: call established" "Call established: sip:02-6200-6200-082" "$(tr -d '\033' <"$T/bypin.log")"
check_match "audio flows both ways (64 kbit/s each way)" "audio=64000/64000" "$(tr -d "\\033" <"$T/bypin.log")"
call byalias "sip:minji.kim@example.org"
check_match "Lee calls Kim by e-mail alias: call established" "Call established: sip:minji.kim@example.org" "$(tr -d '\033' <"$T/byalias.log")"
sleep 1
check_eq "two answered calls in the CDRs, routed to Kim's account" "2" \
    "$(psql -X -At -d vce -c "SELECT count(*) FROM cdrs WHERE disposition = 'ANSWER' AND route = 'SIP/0262006200082' AND billable_seconds > 0")"
# Lee's logs are complete (his baresip has exited; Kim's output is still buffered).
rx=$(cat "$T/bypin.log" "$T/byalias.log" | grep -a 'receiving from')
if [ -n "$rx" ] && ! printf '%s\n' "$rx" | grep -avq 'receiving from 127\.'; then
    pass "media stays on loopback"
else
    fail "media stays on loopback" "$rx"
fi
