#!/bin/bash
# Integration: a box registering with broken or hostile upstream servers (issue 11). Each
# [upstream:MODE] points at a `siptool.py hostile` registrar on its own port that answers the
# REGISTER that way (and OPTIONS with 200, so the keepalive is not what decides): a 200 without
# our Contact, expiry 0, expiry 2^32, a wrong Call-ID, a wrong CSeq, a challenge loop (401 to our
# credentials), a stale=true loop, a 3xx to an address nobody allowed, garbage on the socket,
# and no answer at all. Nothing may leave a registration stuck "in progress", loop tightly,
# follow the redirect, or crash the box.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

scenario_begin upstream-hostile
BOXPORT=55600
MODES=(no-contact expires-0 expires-huge wrong-callid wrong-cseq challenge-loop stale-loop redirect garbage silent)
cd "$T"

pg_up "${VCE_HOSTILE_PGPORT:-55453}"
vced_setup res_pgsql chan_sip
{
    printf '[general]\nbind = 127.0.0.1:%s\nrealm = box.local\n' "$BOXPORT"
    port=55601
    for m in "${MODES[@]}"; do
        printf '\n[upstream:%s]\nservers = 127.0.0.1:%s\nnumbers = 025551234082\npassword = box-secret\nexpires = 60\n' "$m" "$port"
        port=$((port + 1))
    done
} >"$E/sip.conf"
port=55601
for m in "${MODES[@]}"; do
    python3 "$VCE_SRCDIR/tests/integration/siptool.py" hostile "$port" "$m" 120 >"$T/$m.log" 2>&1 &
    scenario_bg $!
    port=$((port + 1))
done
# Every registrar listening before the box starts (else its first REGISTERs meet a closed port
# and wait out the backoff).
_listening() { python3 "$VCE_SRCDIR/tests/integration/siptool.py" options "127.0.0.1:$1" | grep -q 200; }
for p in $(seq 55601 $((55600 + ${#MODES[@]}))); do wait_for 5 _listening "$p"; done
vced_up
state_of() { ctl sip show upstream | sed -n "s/^$1  025551234082  \([a-z]*\) .*/\1/p"; }
is() { [ "$(state_of "$1")" = "$2" ]; }
registers() { grep -c '^REGISTER' "$T/$1.log"; }

check "a 200 without our Contact: failing" wait_for 10 is no-contact failing
check "a 200 with expiry 0: failing" wait_for 10 is expires-0 failing
check "a 200 with expiry 2^32: registered" wait_for 10 is expires-huge registered
check_match "expiry 2^32 capped at ours (60 s)" "expires-huge  025551234082  registered .*expires in ([1-5][0-9]|60) s" "$(ctl sip show upstream)"
check "a challenge loop (401 to our credentials): forbidden" wait_for 10 is challenge-loop forbidden
check_eq "the challenge loop took two REGISTERs, no more" 2 "$(registers challenge-loop)"
check "a stale=true loop: forbidden, not a tight loop" wait_for 10 is stale-loop forbidden
check "a 302 is not followed: failing" wait_for 10 is redirect failing
check_eq "the redirect took one REGISTER" 1 "$(registers redirect)"
for m in wrong-callid wrong-cseq garbage silent; do
    check_match "$m: still waiting, with an answer due (not stuck)" "$m  025551234082  registering .*answer due in [0-9]+ s" "$(ctl sip show upstream)"
done
# The transaction's timeout (nta's, 8 s here) or the REGISTER's own deadline (32 s) ends each
# of those tries: failing, with a next try.
for m in wrong-callid wrong-cseq garbage silent; do
    check "$m: failing once its answer is overdue" wait_for 40 is "$m" failing
done
for m in wrong-callid wrong-cseq silent; do
    check_match "$m: the answer was not taken for ours (last 408), next try shown" "$m  025551234082  failing .*last 408 .*next try in [0-9]+ s" "$(ctl sip show upstream)"
done
sleep 5
for m in no-contact expires-0 redirect challenge-loop stale-loop; do
    n=$(registers "$m")
    if [ "$n" -le 3 ]; then pass "$m: no tight loop ($n REGISTERs in the run)"; else fail "$m: no tight loop" "$n REGISTERs"; fi
done
check "the box still serves" ctl sip show status
check "the box never crashed" kill -0 "$VCED_PID"
check "no password in the log" sh -c "! grep -q box-secret '$E/vced.log'"
