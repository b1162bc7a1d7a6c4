#!/bin/bash
# Integration: two real softphones (baresip) register at vced with digest credentials;
# Lee calls Kim by PIN and then by e-mail alias; audio flows both ways (RTP end to end,
# the exchange proxies signalling only). Everything on loopback.
set -u
. "$VCE_SRCDIR/tests/lib/pg.sh"
. "$VCE_SRCDIR/tests/lib/vced.sh"
. "$VCE_SRCDIR/tests/lib/check.sh"

T=$(mktemp -d /tmp/vce-baresip.XXXXXX)
PGDIR=$T/pg PGP=${VCE_BS_PGPORT:-55446}
SIP=55360 SRV=127.0.0.1:55360
bg=()
cleanup() { for p in "${bg[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; vced_stop; pg_stop "$PGDIR"; rm -rf "$T"; }
trap cleanup EXIT; [ -n "${KEEP:-}" ] && trap "vced_stop; pg_stop $PGDIR" EXIT
command -v baresip >/dev/null || { fail "baresip is installed"; exit 1; }

pg_start "$PGDIR" "$PGP" || { fail "baresip: postgres starts"; exit 1; }
pg_createdb vce
vced_conf "$T/etc" "$PGDIR" "$PGP" res_pgsql app_route chan_sip
vced_sip_conf "$T/etc" "$SIP"
vced_start "$T/etc" || { fail "baresip: vced starts"; exit 1; }
wait_for 30 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl db migrate | grep -q 'up to date'"
psql -X -q -d vce -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >/dev/null
ctl route reload >/dev/null

# phone NAME PORT ACCOUNT-LINE: a headless baresip (sine source, no sound card), loopback only
phone_conf() {
    mkdir -p "$T/$1"
    cat >"$T/$1/config" <<CONF
poll_method epoll
net_interface 127.0.0.1
sip_listen 127.0.0.1:$2
sip_trans_def udp
audio_player aubridge,$1
audio_source ausine,440
audio_alert aubridge,$1-alert
ausrc_srate 48000
auplay_srate 48000
ausrc_channels 2
rtp_ports 56000-56999
module_path /usr/lib/baresip/modules
module g711.so
module ausine.so
module aubridge.so
module menu.so
module account.so
CONF
    echo "$3" >"$T/$1/accounts"
}
phone_conf kim 55370 "<sip:0262006200082@$SRV;transport=udp>;auth_pass=demo-pass-kim;answermode=auto;regint=600"
phone_conf lee 55380 "<sip:025551234082@$SRV;transport=udp>;auth_pass=demo-pass-lee;answermode=auto;regint=600;outbound=\"sip:$SRV\""

baresip -f "$T/kim" -t 40 >"$T/kim.log" 2>&1 &
bg+=($!)
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
