#!/bin/bash
# Integration: the SIP <-> PSTN gateway. A SIP member calls a PSTN number; Route() picks the
# trunk group, chan_sip hands the leg to chan_tdm (ChannelTech "TDM"), the simulated PSTN
# on the far side of a virtual span detects the digits and answers or gives busy.
set -u
. "$VCE_SRCDIR/tests/lib/pg.sh"
. "$VCE_SRCDIR/tests/lib/vced.sh"
. "$VCE_SRCDIR/tests/lib/check.sh"
SC=$VCE_SRCDIR/tests/integration/sipp
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim

T=$(mktemp -d /tmp/vce-gw.XXXXXX)
PGDIR=$T/pg PGP=${VCE_GW_PGPORT:-55445}
SIP=55260 SRV=127.0.0.1:55260
bg=()
cleanup() { for p in "${bg[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; vced_stop; pg_stop "$PGDIR"; rm -rf "$T"; }
trap cleanup EXIT
cd "$T"

pg_start "$PGDIR" "$PGP" || { fail "gateway: postgres starts"; exit 1; }
pg_createdb vce
vced_conf "$T/etc" "$PGDIR" "$PGP" res_pgsql app_route chan_tdm chan_sip
vced_sip_conf "$T/etc" "$SIP"
cat >"$T/etc/tdm.conf" <<CONF
[general]
country = de

[pstn]
type = virtual
path = $T/pstn.sock
channels = 2
signalling = fxo
law = alaw
group = pstnsim
context = from-trunks
CONF
vced_start "$T/etc" || { fail "gateway: vced starts"; exit 1; }
wait_for 30 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl db migrate | grep -q 'up to date'"
psql -X -q -d vce -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >/dev/null
ctl route reload >/dev/null
check_match "a PSTN number routes to the trunk group" "pstn -> TDM/pstnsim/0212345678" "$(ctl route test 02-1234-5678)"

"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0212345678=echo,0222222222=busy' --seconds 120 >"$T/pstn.log" 2>&1 &
bg+=($!)
check "trunk channels attach" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"

uac() {  # CALLER PASSWORD NUMBER LOG -> the final status the caller saw
    sipp -sf "$SC/uac_call_auth.xml" -key domain "$SRV" -key caller "$1" -au "$1" -ap "$2" -s "$3" -i 127.0.0.1 \
        -m 1 -timeout 40 -trace_msg -message_file "$T/$4.log" "$SRV" >/dev/null 2>&1
    grep -E '^SIP/2.0 [2-6][0-9][0-9]' "$T/$4.log" | grep -vE ' (407|100|180|183) ' | tail -n 1 | cut -d' ' -f2
}

check_eq "Lee calls a PSTN number: the PSTN answers, the box answers the SIP call" 200 \
    "$(uac 025551234082 demo-pass-lee 02-1234-5678 echo)"
check_match "the simulator detected exactly the dialled digits" "dialled 0212345678 -> echo" "$(cat "$T/pstn.log")"
check_match "the caller's BYE ended the call (200 to BYE)" "CSeq: 3 BYE" "$(grep -A12 '^SIP/2.0 200' "$T/echo.log" | tr -d '\r')"
sleep 0.5
check_match "CDR: answered leg on the trunk" "ANSWER\|TDM/pstnsim/0212345678" \
    "$(psql -X -At -d vce -c "SELECT disposition, route FROM cdrs ORDER BY id DESC LIMIT 1")"
# The first 200 the caller received (to the INVITE), up to sipp's next separator line.
answer=$(awk '/^SIP\/2.0 200/ && !done {on=1} on && /^-----/ {on=0; done=1} on' "$T/echo.log" | tr -d '\r')
if printf '%s\n' "$answer" | grep -q '^m=audio [1-9]'; then pass "the 200 carries the box's media answer (m=audio)"; else fail "the 200 carries the box's media answer (m=audio)" "no SDP answer in the 200"; fi
check_eq "a busy PSTN number gives the SIP caller 486" 486 "$(uac 025551234082 demo-pass-lee 02-2222-2222 busy)"
check_match "and the trunk is free again" "pstn .* 2  *2 " "$(ctl tdm show spans)"
