#!/bin/bash
# Integration: calls from the TDM side to a member's SIP phone. The PSTN simulator places calls
# into the box on an FXO trunk ([from-trunks]) and an analog phone on an FXS port dials
# ([from-analog]); the dialplan's Dial(SIP/<account>) goes through chan_sip's channel technology
# "SIP" to Kim's registered softphone (a real baresip: headless, a sine as microphone, the
# audio it receives recorded by its sndfile module). Media: chan_tdm offers RTP, the phone
# answers, the line's audio is bridged to RTP. Cases: answered call with audio both ways and
# the PSTN caller hanging up (BYE, CDR); Kim not registered (CHANUNAVAIL, nothing rings); no
# answer (CANCEL, NOANSWER); the phone hangs up first (trunk released); an analog phone calls
# Kim; the PSTN caller gives up while the phone rings (CANCEL), from a second simulator. Own ports: PostgreSQL 55447, SIP 55460, phones 55470+, RTP 55480-55519.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
. "$VCE_SRCDIR/tests/lib/audio.sh"
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim

scenario_begin pstn-to-sip
SIP=55460 SRV=127.0.0.1:55460
KIM=0262006200082
command -v baresip >/dev/null || { fail "pstn-to-sip: baresip is installed"; exit 1; }
for m in chan_sip chan_tdm app_route; do
    [ -e "$VCE_BUILDDIR/modules/$m/.libs/$m.so" ] || { fail "pstn-to-sip: $m is built"; exit 1; }
done

pg_up "${VCE_P2S_PGPORT:-55447}"
vced_setup res_pgsql app_route chan_tdm chan_sip
vced_sip_conf "$E" "$SIP"
sed -i 's/^DIAL_TIMEOUT=.*/DIAL_TIMEOUT=8/' "$E/extensions.conf"  # case (c) waits for it
tdm_conf_general "inter_digit_ms = 1500" "media_ip = 127.0.0.1" "rtp_ports = 55500-55519"
tdm_conf_span phones "$T/phones.sock" 2 fxs alaw phones from-analog "callerid = 025551234082" "callername = Lee Jihoon"
tdm_conf_pstn
vced_up -v
demo_load
check_match "Kim's number routes to her SIP account" "SIP/$KIM" "$(ctl route test $KIM)"

# The PSTN: two trunk channels; each case runs its own simulator (it places one call).
start_sim() {  # LOG ARGS...
    _n=$1; shift
    "$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '021000=tone' --seconds 60 "$@" >"$T/$_n.log" 2>&1 &
    SIMPID=$!; scenario_bg $SIMPID
    wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"
}
stop_sim() { kill "$SIMPID" 2>/dev/null; wait "$SIMPID" 2>/dev/null; }
trunk_idle() { wait_for "$1" sh -c "[ \$(\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -c 'TDM/pstn/.* idle ') = 2 ]"; }
vlog() { cat "$E/vced.log"; }

# Kim's softphone: a headless baresip that sends a 1 kHz sine and records what it receives.
phone_conf() {  # NAME PORT ANSWERMODE
    baresip_conf --tone 1000 --rtp 55480-55499 --record "$T/$1" "$2" \
        "<sip:$KIM@$SRV;transport=udp>;auth_pass=demo-pass-kim;answermode=$3;regint=600"
}
start_phone() {  # NAME SECONDS
    stdbuf -oL baresip -s -f "$T/$1" -t "$2" >"$T/$1.log" 2>&1 &
    PHONEPID=$!; scenario_bg $PHONEPID
    wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations $KIM | grep -q baresip"
}
registered() { ctl sip show registrations $KIM | grep -c baresip; }
phone_log() { tr -d '\033' <"$T/$1.log"; }

# (b) Kim is not registered: the PSTN caller is released at once, nothing rings.
check_eq "(b) nobody registered for Kim" 0 "$(registered)"
start_sim unreg --call 1:$KIM
check "(b) the trunk call reaches Dial(SIP/$KIM): CHANUNAVAIL" \
    wait_for 15 grep -q "TDM/pstn/1: Dial(SIP/$KIM) -> DIALSTATUS=CHANUNAVAIL" "$E/vced.log"
check "(b) the PSTN caller is released promptly (box on hook)" wait_for 3 grep -q "ch1: box on-hook" "$T/unreg.log"
if vlog | grep -q "SIP: call .*SIP/$KIM.*INVITE to"; then fail "(b) no INVITE is sent"; else pass "(b) no INVITE is sent"; fi
check "(b) trunk idle" trunk_idle 5
stop_sim
sleep 0.5
check_match "(b) CDR: CHANUNAVAIL" "CHANUNAVAIL\|SIP/$KIM\|480" \
    "$(psql -X -At -d vce -c "SELECT disposition, route, sip_status FROM cdrs WHERE route = 'SIP/$KIM' ORDER BY id DESC LIMIT 1")"

# (a) The PSTN calls Kim's number; her phone rings and answers; a 600 Hz tone from the PSTN
#     caller reaches the phone, the phone's 1 kHz reaches the PSTN caller; the caller hangs up.
phone_conf kim 55470 auto
start_phone kim 60
check_eq "(a) Kim's baresip registered" 1 "$(registered)"
start_sim answered --call 1:$KIM --talk-tone 600 --listen 1000 --hangup-after 9
check "(a) the phone is called (INVITE with our SDP offer: PCMA first, telephone-event)" \
    wait_for 15 sh -c "tr -d '\\033' <\"$T/kim.log\" | grep -q '^m=audio 555[01][0-9] RTP/AVP 8 0 101'"
check "(a) the phone answers" wait_for 10 grep -q "SIP: call .*SIP/$KIM): answered by SIP/$KIM" "$E/vced.log"
sleep 2
check_match "(a) tdm show channels: the trunk is up with RTP to the phone" \
    "TDM/pstn/1 .* up .*SIP/$KIM.*media: rtp 127.0.0.1:555[01][0-9] <-> 127.0.0.1:55[45][0-9]{2} PCM[AU] rx [1-9]" \
    "$(ctl tdm show channels | tr '\n' ' ')"
# Unloading chan_sip now would leave chan_tdm's leg with a technology that is gone: refused,
# naming what holds it, and the call goes on.
out=$(ctl module unload chan_sip 2>&1); rc=$?
check_eq "(a) module unload chan_sip during the TDM->SIP call is refused" 1 "$rc"
check_match "(a) the refusal says a call holds the SIP technology" "chan_sip is busy: 1 call\(s\) of another module hold channel technology SIP" "$out"
check_match "(a) chan_sip is still loaded" "chan_sip" "$(ctl module show)"
check "(a) the phone's 1 kHz reaches the PSTN caller" wait_for 8 grep -q "ch1: AUDIO: 1000 Hz heard" "$T/answered.log"
check "(a) the PSTN caller hangs up" wait_for 10 grep -q "ch1: caller hangs up" "$T/answered.log"
check "(a) the phone gets a BYE" wait_for 5 sh -c "tr -d '\\033' <\"$T/kim.log\" | grep -q '^BYE sip:'"
check "(a) trunk idle again" trunk_idle 5
sleep 1
wavs=$(ls "$T"/kim/snd/*dec*.wav 2>/dev/null)
if [ -n "$wavs" ]; then
    share=$(tone_in_wavs 600 $wavs)
    check_match "(a) the PSTN caller's 600 Hz reaches the phone (share $share in baresip's recording)" "^(0\.[5-9]|1\.)" "$share"
else
    fail "(a) the PSTN caller's 600 Hz reaches the phone" "no recording in $T/kim/snd" "$(ls -la "$T/kim/snd")"
fi
check_match "(a) CDR: answered leg to Kim's account, with billable seconds" "^ANSWER\|SIP/$KIM\|[1-9][0-9]*$" \
    "$(psql -X -At -d vce -c "SELECT disposition, route, billable_seconds FROM cdrs WHERE route = 'SIP/$KIM' ORDER BY id DESC LIMIT 1")"
stop_sim

# (e) An analog phone on the box dials Kim's number: her SIP phone rings and answers, the
#     analog phone gets answer supervision and hears the softphone's 1 kHz.
"$SIM" phone --span "$T/phones.sock" --channel 1 --dial $KIM --hold 4 --seconds 25 >"$T/fxs.log" 2>&1 &
FXS=$!; scenario_bg $FXS
wait $FXS
check_match "(e) [from-analog] routes the analog phone's call to Kim" "TDM/phones/1: dialled $KIM, dialplan \[from-analog\]" "$(vlog)"
check_match "(e) Kim's phone sees the line's caller id and name" 'From: "Lee Jihoon" <sip:025551234082@' "$(phone_log kim)"
check_eq "(e) the analog phone is answered (polarity reversal)" "answer" "$(sed -n 's/^RESULT: //p' "$T/fxs.log")"
check_match "(e) the analog phone hears the softphone's 1 kHz" "AUDIO: 1000 Hz heard" "$(cat "$T/fxs.log")"
check_match "(e) the analog phone hangs up: BYE to the SIP phone" "SIP: call .*TDM/phones/1-.*the caller hung up; BYE" "$(vlog)"

# (d) The phone hangs up first (baresip quits during the call: BYE): the trunk is released.
start_sim phonefirst --call 1:$KIM
check "(d) answered" wait_for 15 sh -c "tdm=\$(\"$VCECTL\" -s $E/run/vced.ctl tdm show channels); echo \"\$tdm\" | grep -q 'TDM/pstn/1 .* up '"
sleep 1
kill -INT "$PHONEPID"; wait "$PHONEPID" 2>/dev/null
check "(d) chan_sip reports the callee's BYE" wait_for 5 grep -q "SIP: call .*SIP/$KIM): the callee hung up" "$E/vced.log"
check "(d) the trunk line is released (tdm show channels: idle)" trunk_idle 5
check "(d) the PSTN side sees the box go on hook" wait_for 3 grep -q "ch1: box on-hook" "$T/phonefirst.log"
stop_sim

# (c) The phone rings but nobody answers: after the Dial timeout (8 s) the box CANCELs and
#     the dialplan gets NOANSWER.
phone_conf kimslow 55474 manual
start_phone kimslow 40
start_sim noanswer --call 1:$KIM
check "(c) the phone rings" wait_for 15 grep -q "Incoming call from" "$T/kimslow.log"
t0=$(date +%s%N)
check "(c) NOANSWER" wait_for 15 grep -q "TDM/pstn/1: Dial(SIP/$KIM) -> DIALSTATUS=NOANSWER" "$E/vced.log"
rang=$(( ($(date +%s%N) - t0) / 100000000 ))
if [ "$rang" -ge 65 ]; then pass "(c) the phone rang for the Dial timeout (8 s)"; else fail "(c) the phone rang for the Dial timeout (8 s)" "NOANSWER after $rang tenths of a second"; fi
check "(c) the phone gets a CANCEL" wait_for 5 sh -c "tr -d '\\033' <\"$T/kimslow.log\" | grep -q '^CANCEL sip:'"
check "(c) trunk idle again" trunk_idle 5
sleep 0.5
check_match "(c) CDR: NOANSWER" "NOANSWER\|SIP/$KIM" \
    "$(psql -X -At -d vce -c "SELECT disposition, route FROM cdrs WHERE route = 'SIP/$KIM' ORDER BY id DESC LIMIT 1")"
stop_sim

# (f) README's demo: one simulator holds trunk 1, a second one calls in on trunk 2 (--first 2);
#     the PSTN caller hangs up while Kim's phone still rings: the box CANCELs the INVITE.
"$SIM" sim --span "$T/pstn.sock" --channels 1 --seconds 30 >"$T/resident.log" 2>&1 &
RES=$!; scenario_bg $RES
wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -q 'TDM/pstn/1 .* idle '"
invites=$(phone_log kimslow | grep -c '^INVITE sip:')
start_sim second --channels 1 --first 2 --call 2:$KIM --hangup-after 6
check "(f) a second simulator calls in on trunk 2 while the first holds trunk 1" \
    wait_for 15 grep -q "TDM/pstn/2: Dial(SIP/$KIM" "$E/vced.log"
check "(f) the phone rings" wait_for 5 sh -c "[ \$(tr -d '\\033' <\"$T/kimslow.log\" | grep -c '^INVITE sip:') -gt $invites ]"
check "(f) the PSTN caller hangs up before the answer: CANCEL" \
    wait_for 10 grep -q "SIP: call .*TDM/pstn/2-.*the caller gave up; CANCEL" "$E/vced.log"
check "(f) the phone gets the CANCEL" wait_for 5 sh -c "[ \$(tr -d '\\033' <\"$T/kimslow.log\" | grep -c '^CANCEL sip:') -ge 2 ]"
check "(f) trunk 2 idle again" wait_for 5 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -q 'TDM/pstn/2 .* idle '"
sleep 0.5
check_match "(f) CDR: CANCEL" "CANCEL\|SIP/$KIM" \
    "$(psql -X -At -d vce -c "SELECT disposition, route FROM cdrs WHERE route = 'SIP/$KIM' ORDER BY id DESC LIMIT 1")"
stop_sim
kill "$RES" 2>/dev/null; wait "$RES" 2>/dev/null
kill -INT "$PHONEPID" 2>/dev/null; wait "$PHONEPID" 2>/dev/null

check_match "sip show status: no call left in setup" "calls in setup: +0" "$(ctl sip show status)"
# Once no TDM call holds the SIP technology, chan_sip unloads (and loads again).
check "chan_sip unloads once no call holds it" wait_for 10 "$VCECTL" -s "$E/run/vced.ctl" module unload chan_sip
check "and loads again" "$VCECTL" -s "$E/run/vced.ctl" module load chan_sip
