#!/bin/bash
# Integration: an edge box with analog phones and a PSTN trunk, registered at its exchange
# (issue 11, seed 000 claims 1-5 and 8-11). Two vced on one PostgreSQL cluster: the exchange
# on 127.0.0.1 (res_pgsql, app_route, chan_sip; the demo members) and the box on 127.0.0.2
# (its own database with the countries and its trunk only; chan_tdm with a phone span and a
# trunk span served by vce-pstnsim). The box registers Lee's number for its phone line.
#   - a box phone calls Kim's softphone (baresip) through the exchange: answered, audio;
#   - the seed's three fallbacks at the box: Kim not registered, Kim not answering, the
#     exchange silent (SIGSTOP) -- the box's trunk dials Kim's PIN's own PSTN number, and for a
#     silent exchange within 2 s of the last digit; the box then shows the upstream failing,
#     calls go to the trunk without trying the exchange, and it registers again when the
#     exchange answers;
#   - Kim's softphone calls Lee's number: the exchange sends it to the box, the box's phone
#     rings with Kim's caller ID, answers, hears her audio; CDRs on both nodes.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
. "$VCE_SRCDIR/tests/lib/edgebox.sh"
. "$VCE_SRCDIR/tests/lib/audio.sh"

scenario_begin box
EX=55290 BOXPORT=55292 KIMPORT=55294
KIM=0262006200082 LEE=025551234082
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
cd "$T"

pg_up "${VCE_BOX_PGPORT:-55451}"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$EX"
vced_up
demo_load || { fail "box: demo data"; exit 1; }

# The box on 127.0.0.2 (so that the exchange's requests, from 127.0.0.1, are told apart).
edgebox_conf "$T/box" "127.0.0.2:$BOXPORT" exchange "127.0.0.1:$EX" "$LEE" demo-pass-lee "redirect = follow"
edgebox_start && pass "the box starts, its database migrated and its routing data loaded"
check_match "the box routes Kim's PIN's PSTN number to its own trunk" "TDM/pstn/0262006200" "$(boxctl route test +82262006200)"

# The PSTN behind the box's trunk: Kim's PSTN number (from her PIN) answers with a 1 kHz tone.
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0262006200=tone' --seconds 600 >"$T/pstn.log" 2>&1 &
scenario_bg $!
check "the box registers Lee's number at the exchange" wait_for 15 box_upstream_is registered
check_match "the exchange has Lee's binding at the box (127.0.0.2)" \
    "$LEE  sip:$LEE@127.0.0.2:$BOXPORT" "$(ctl sip show registrations $LEE)"
check "the box's trunks attached and idle" box_trunks_idle 10

# A box phone dials: --dial DIGITS, the rest as vce-pstnsim phone takes it. '#' ends dialling.
phone_call() {  # LOGNAME CHANNEL ARGS...
    local n=$1 c=$2
    shift 2
    "$SIM" phone --span "$T/phones.sock" --channel "$c" "$@" >"$T/$n.log" 2>&1
}
result() { sed -n 's/^RESULT: //p' "$T/$1.log"; }
pstn_calls() { grep -c "dialled 0262006200 -> tone" "$T/pstn.log"; }

# (b) Kim is not registered at the exchange: the box's trunk dials her PIN's PSTN number.
before=$(pstn_calls)
phone_call unreg 1 --dial "$KIM" --hold 2 --seconds 25
check_match "(b) the box's call goes through the exchange first" "Dial\(SIP/exchange/$KIM\)" "$(cat "$B/vced.log")"
exchange_cdr() {  # the exchange's last CDR of a call from Lee to Kim
    psql -X -At -d vce -c "SELECT caller || '|' || route || '|' || disposition FROM cdrs
        WHERE caller = '$LEE' AND dialled = '$KIM' ORDER BY id DESC LIMIT 1"
}
check "(b) the exchange took it as Lee's call (digest) and found nobody" \
    wait_for 5 sh -c "psql -X -At -d vce -c \"SELECT disposition FROM cdrs WHERE caller = '$LEE' AND dialled = '$KIM'\" | grep -q CHANUNAVAIL"
check_eq "(b) the trunk dialled Kim's PSTN number" "$((before + 1))" "$(pstn_calls)"
check_eq "(b) the phone is answered through the trunk" "answer" "$(result unreg)"
check_match "(b) and hears the PSTN's 1 kHz" "AUDIO: 1000 Hz heard" "$(cat "$T/unreg.log")"
check "(b) trunk idle again" box_trunks_idle 10

# Kim's softphone on the exchange: baresip sending a 1 kHz sine.
kim_conf() {  # ANSWERMODE [--record] (each softphone on a port of its own: the last one's TCP may linger)
    rm -rf "$T/kim"
    KIMPORT=$((KIMPORT + 1))
    baresip_conf --tone 1000 --rtp 55300-55339 ${2:+"$2"} "$T/kim" "$KIMPORT" \
        "<sip:$KIM@127.0.0.1:$EX;transport=udp>;auth_pass=demo-pass-kim;answermode=$1;regint=600"
}
kim_start() {  # SECONDS [baresip args...]
    local s=$1
    shift
    stdbuf -oL baresip -f "$T/kim" -t "$s" "$@" >"$T/kim.log" 2>&1 &
    KIMPID=$!
    scenario_bg $KIMPID
    wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl sip show registrations $KIM | grep -q baresip"
}
kim_stop() { stop_pid "$KIMPID"; wait_for 5 sh -c "! \"$VCECTL\" -s $E/run/vced.ctl sip show registrations $KIM | grep -q baresip"; }

# (1) Kim registered, answering: the box phone reaches her through the exchange.
kim_conf auto
kim_start 60
check "(1) Kim's softphone registers at the exchange" ctl sip show registrations $KIM
before=$(pstn_calls)
phone_call answered 1 --dial "$KIM" --hold 4 --seconds 25
check_eq "(1) the box phone is answered (polarity reversal)" "answer" "$(result answered)"
check_match "(1) and hears Kim's softphone (1 kHz)" "AUDIO: 1000 Hz heard" "$(cat "$T/answered.log")"
check_match "(1) Kim's phone sees Lee's number as the caller" "call on line 1 from sip:$LEE@" "$(tr -d '\033' <"$T/kim.log")"
check_eq "(1) the trunk was not used" "$before" "$(pstn_calls)"
check_match "(1) the box's CDR: the answered leg through the exchange" "ANSWER\|SIP/exchange/$KIM" \
    "$(psql -X -At -d box -c "SELECT disposition || '|' || route FROM cdrs ORDER BY id DESC LIMIT 1")"
check_match "(1) the exchange's CDR: Lee's call answered by Kim" "^$LEE\|SIP/$KIM\|ANSWER$" "$(exchange_cdr)"
kim_stop

# (1b) Kim hangs up first (her baresip quits: BYE): it reaches the box through the exchange and
#      ends the box's call.
kim_conf auto
kim_start 10
hungup() { grep -c "SIP: call .*SIP/exchange/$KIM): the callee hung up" "$B/vced.log"; }
before=$(hungup)
phone_call kimfirst 1 --dial "$KIM" --hold 15 --seconds 20
check_eq "(1b) Kim's BYE ended the box's call" "$((before + 1))" "$(hungup)"
check_match "(1b) the box's CDR: answered, with billable seconds" "^ANSWER\|[1-9][0-9]*$" \
    "$(psql -X -At -d box -c "SELECT disposition || '|' || billable_seconds FROM cdrs ORDER BY id DESC LIMIT 1")"
kim_stop

# (c) Kim does not answer: after the box's Dial timeout (6 s here) the trunk.
kim_conf manual
kim_start 60 >/dev/null
before=$(pstn_calls)
phone_call noanswer 1 --dial "$KIM" --hold 2 --seconds 30
check_match "(c) Kim's phone rang" "Incoming call from.*$LEE" "$(tr -d '\033' <"$T/kim.log")"
check_match "(c) NOANSWER through the exchange" "Dial\(SIP/exchange/$KIM\) -> DIALSTATUS=NOANSWER" "$(cat "$B/vced.log")"
check_eq "(c) then the trunk dialled Kim's PSTN number" "$((before + 1))" "$(pstn_calls)"
check_eq "(c) the phone is answered through the trunk" "answer" "$(result noanswer)"
check "(c) trunk idle again" box_trunks_idle 10
kim_stop

# (2) Kim's softphone calls Lee's number: the exchange sends it to the box; the phone with that
#     number rings with Kim's caller ID, answers and hears her 1 kHz.
kim_conf auto --record
phone_call incoming 1 --await-ring --answer --send 5555 --hold 4 --seconds 25 &
PHONE=$!
sleep 1  # the phone's line attached before the call comes
kim_start 40 -e "/dial sip:$LEE@127.0.0.1:$EX
" >/dev/null
wait "$PHONE"
check_match "(2) the box's phone rings with Kim's number as caller ID" "CALLERID: number=$KIM" "$(cat "$T/incoming.log")"
box_cdr_in_is() {  # the box's last CDR of a call from Kim
    psql -X -At -d box -c "SELECT caller || '|' || route || '|' || disposition FROM cdrs
        WHERE caller = '$KIM' ORDER BY id DESC LIMIT 1" | grep -q "^$1\$"
}
check "(2) the box's CDR: Kim's call to the phone line ([from-upstream]), answered" \
    wait_for 5 box_cdr_in_is "$KIM|TDM/phones/$LEE|ANSWER"
check_match "(2) the box's phone hears Kim's 1 kHz" "AUDIO: 1000 Hz heard" "$(cat "$T/incoming.log")"
check_match "(2) the box answered for its phone (200 at Kim's softphone)" "Call established|call established" "$(tr -d '\033' <"$T/kim.log")"
sleep 1
wavs=$(ls "$T"/kim/snd/*dec*.wav 2>/dev/null)
if [ -n "$wavs" ]; then
    # The phone's digit 5 is 770 + 1336 Hz, 50 ms on in each 100 ms window at best (a share
    # of about 0.25); 1209 Hz (the 1-4-7 column) must not be there.
    share=$(tone_in_wavs 1336 $wavs) other=$(tone_in_wavs 1209 $wavs)
    check_match "(2) the box's phone's digits reach Kim's softphone (1336 Hz share $share in her recording)" "^(0\.(1[5-9]|[2-9])|1\.)" "$share"
    check_match "(2) and they are that digit (1209 Hz share $other)" "^0\.0[0-4]" "$other"
else
    fail "(2) the box's phone's digits reach Kim's softphone" "no recording in $T/kim/snd"
fi
kim_stop

# (a) The exchange falls silent (SIGSTOP) while the box still thinks it is registered: the
#     call's INVITE gets no answer, the box takes its trunk within 2 s of the last digit.
before=$(pstn_calls)
kill -STOP "$VCED_PID"
phone_call silent 1 --dial "$KIM" --hold 2 --seconds 25
check_eq "(a) the silent exchange: the trunk dialled Kim's PSTN number" "$((before + 1))" "$(pstn_calls)"
check_eq "(a) the phone is answered through the trunk" "answer" "$(result silent)"
gap=$(python3 - "$B/vced.log" <<'PY'
import re, sys, datetime
t = lambda l: datetime.datetime.strptime(l[1:24], "%Y-%m-%d %H:%M:%S.%f")
lines = open(sys.argv[1], errors="replace").read().splitlines()
d = [l for l in lines if re.search(r"TDM/phones/1: dialled .*dialplan \[box-analog\]", l)][-1]
s = [l for l in lines if re.search(r"TDM/pstn/\d: seized for 0262006200", l) and t(l) >= t(d)][0]
print(int((t(s) - t(d)).total_seconds() * 1000))
PY
)
if [ -n "$gap" ] && [ "$gap" -le 2000 ]; then pass "(a) the trunk is seized ${gap} ms after the last digit (at most 2 s)"
else fail "(a) the trunk is seized within 2 s of the last digit" "gap ${gap:-unknown} ms"; fi
check "(a) the box then shows the upstream failing" wait_for 15 box_upstream_is failing
check_match "(a) the keepalive saw it" "SIP upstream exchange: no answer to a keepalive" "$(cat "$B/vced.log")"
before=$(pstn_calls)
invites=$(grep -c "INVITE to 1 terminal" "$B/vced.log")
phone_call failing 1 --dial "$KIM" --hold 2 --seconds 25
check_eq "(a) while failing, a call goes to the trunk" "$((before + 1))" "$(pstn_calls)"
check_eq "(a) without trying the exchange" "$invites" "$(grep -c "INVITE to 1 terminal" "$B/vced.log")"
check_match "(a) the dialled number sent the registration again at once (seed claim 6)" \
    "SIP upstream exchange $LEE: failing -> registering: a call needs it: trying at once" "$(cat "$B/vced.log")"
kill -CONT "$VCED_PID"
check "(a) the exchange answers again: registered within a few seconds" wait_for 10 box_upstream_is registered
check "(a) the keepalive saw the exchange back" wait_for 5 grep -q "SIP upstream exchange: the server answers again" "$B/vced.log"

# (r) The exchange stops: the box sees it (keepalive) and shows failing; the exchange starts
#     again, now in redirect mode for Lee's box (redirect_callers): the box registers again at
#     once, and its call to Kim gets a 302 with her softphone's contact and goes there itself.
vced_stop
check "(r) the exchange stopped: the box shows failing" wait_for 20 box_upstream_is failing
echo "redirect_callers = $LEE" >>"$E/sip.conf"
vced_up
check "(r) the exchange restarted: the box registers again within a few seconds" wait_for 10 box_upstream_is registered
kim_conf auto
kim_start 60 -s  # with a SIP trace
check "(r) Kim's softphone registers at the exchange" ctl sip show registrations $KIM
phone_call redirect 1 --dial "$KIM" --hold 4 --seconds 25
check_match "(r) the exchange answered the box's INVITE with 302 and Kim's contact" \
    "SIP: call .* from $LEE to $KIM: redirected to 1 contact\(s\)" "$(cat "$E/vced.log")"
check_match "(r) the box followed it to her softphone" "redirected by upstream exchange to 1 contact\(s\)" "$(cat "$B/vced.log")"
check_eq "(r) the box phone is answered" "answer" "$(result redirect)"
check_match "(r) and hears Kim's softphone directly" "AUDIO: 1000 Hz heard" "$(cat "$T/redirect.log")"
check_match "(r) the INVITE reached Kim from the box" "^Via: SIP/2.0/UDP 127.0.0.2:$BOXPORT" "$(tr -d '\033' <"$T/kim.log" | sed -n '/^INVITE sip:/,/^$/p')"
check "(r) not through the exchange (no Record-Route in the INVITE)" sh -c "! tr -d '\\033' <'$T/kim.log' | sed -n '/^INVITE sip:/,/^\$/p' | grep -qi '^Record-Route:'"
kim_stop

check "the box never crashed" kill -0 "$BOXPID"
check "the exchange still serves" ctl core show uptime
for pw in demo-pass-lee demo-pass-kim; do
    check "no password ($pw) in the logs" sh -c "! grep -q -- '$pw' '$E/vced.log' '$B/vced.log'"
done
