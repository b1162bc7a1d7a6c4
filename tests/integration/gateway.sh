#!/bin/bash
# Integration: the SIP <-> PSTN gateway. A SIP member calls a PSTN number; Route() picks the
# trunk group, chan_sip hands the leg to chan_tdm (ChannelTech "TDM"), the simulated PSTN
# on the far side of a virtual span detects the digits and answers or gives busy.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SC=$VCE_SRCDIR/tests/integration/sipp
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim

scenario_begin gateway
SIP=55260 SRV=127.0.0.1:55260
cd "$T"

pg_up "${VCE_GW_PGPORT:-55445}"
vced_setup res_pgsql app_route chan_tdm chan_sip
vced_sip_conf "$E" "$SIP"
tdm_conf_general
tdm_conf_pstn
vced_up
demo_load
check_match "a PSTN number routes to the trunk group" "pstn -> TDM/pstnsim/0212345678" "$(ctl route test 02-1234-5678)"

"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0212345678=echo,0222222222=busy' --seconds 120 >"$T/pstn.log" 2>&1 &
SIMPID=$!; scenario_bg $SIMPID
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

# The PSTN party hangs up first: the box ends the SIP call with a BYE in the caller's dialog
# (its own UAS dialog: the caller's tag in To, ours in From, a CSeq of ours).
kill "$SIMPID" 2>/dev/null; wait "$SIMPID" 2>/dev/null
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0212345678=echo' --hangup-after 2 --seconds 60 >"$T/pstn-hangup.log" 2>&1 &
SIMPID=$!; scenario_bg $SIMPID
wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"
sipp -sf "$SC/uac_call_far_end_bye.xml" -key domain "$SRV" -key caller 025551234082 -au 025551234082 -ap demo-pass-lee \
    -s 02-1234-5678 -i 127.0.0.1 -m 1 -timeout 40 -trace_msg -message_file "$T/farbye.log" "$SRV" >/dev/null 2>&1
rc=$?
check_eq "the PSTN hangs up first: the SIP caller gets a BYE and the call ends" 0 "$rc"
bye=$(awk '/^BYE sip:/ {on=1} on && /^-----/ {exit} on' "$T/farbye.log" | tr -d '\r')
check_match "the BYE goes to the caller's Contact" "^BYE sip:025551234082@127.0.0.1:" "$bye"
check_match "the BYE is in the caller's dialog (its tag in To)" "^To: .*tag=" "$bye"
check_match "the BYE carries a CSeq of the box's own" "^CSeq: [0-9]+ BYE" "$bye"
sleep 0.5
check_match "CDR: the answered leg ended by the far end" "ANSWER\|TDM/pstnsim/0212345678\|[1-9]" \
    "$(psql -X -At -d vce -c "SELECT disposition, route, billable_seconds FROM cdrs ORDER BY id DESC LIMIT 1")"
check_match "and the trunk is free again" "pstn .* 2  *2 " "$(ctl tdm show spans)"
kill "$SIMPID" 2>/dev/null; wait "$SIMPID" 2>/dev/null  # back to a PSTN that stays on the line
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0212345678=echo,0222222222=busy' --seconds 120 >>"$T/pstn.log" 2>&1 &
SIMPID=$!; scenario_bg $SIMPID
wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"

# SRTP: a softphone that insists on encrypted media (baresip mediaenc=srtp-mand) calls the
# PSTN echo service; chan_tdm answers with SDES keys and the audio crosses encrypted.
if command -v baresip >/dev/null; then
    baresip_conf --module srtp "$T/gw" 55270 \
        "<sip:025551234082@$SRV;transport=udp>;auth_pass=demo-pass-lee;regint=600;mediaenc=srtp-mand"
    timeout 25 baresip -f "$T/gw" -t 9 -e "/dial sip:02-1234-5678@$SRV" >"$T/bs.log" 2>&1 &
    bspid=$!
    scenario_bg $bspid
    # Sample the counters while the call is up (the PSTN answers after the digits are dialled).
    wait_for 12 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl tdm show channels | grep -q 'srtp.* rx [1-9][0-9]* tx [1-9]'"
    sleep 1
    media=$(ctl tdm show channels | grep 'media:')
    wait $bspid 2>/dev/null
    check_match "baresip with mediaenc=srtp-mand: the call is established" "Call established" "$(tr -d '\033' <"$T/bs.log")"
    check_match "the media is SRTP (SDES AES_CM_128_HMAC_SHA1)" "srtp AES_CM_128_HMAC_SHA1_(80|32)" "$media"
    check_match "encrypted audio flows both ways with no authentication failures" \
        "rx [1-9][0-9]+ tx [1-9][0-9]+ auth-failures 0" "$media"
fi
