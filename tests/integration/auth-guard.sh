#!/bin/bash
# Integration: password guessing and enumeration, against a real vced (res_pgsql + app_route +
# chan_sip) with a private PostgreSQL. A guesser at 127.0.0.7 (trusted nowhere) tries wrong
# passwords for 1000 at 20/s, far below the flood limit (200/s): ten guesses are challenged and
# refused, then it is blocked and gets 403 without a challenge, one SECURITY line says so and
# `sip show security` lists it, while 1000's own phone registers and calls; five addresses guess
# at 3000 twice each: the account is throttled, the next guesser is locked out, and 3000's phones
# still register; after the block the guesser is challenged again. Kim's number and a number
# nobody has get the same answers, with or without (wrong) credentials, for REGISTER, INVITE,
# MESSAGE, OPTIONS and SUBSCRIBE. No password reaches the log.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
SC=$VCE_SRCDIR/tests/integration/sipp
UA=$VCE_SRCDIR/tests/integration/siptool.py

scenario_begin auth-guard
SIP=55700 UAS=55705  # 55701..55704: the private ports of workers = 2..4 (VCED_SIP_EXTRA)
SRV=127.0.0.1:$SIP
GUESSER=127.0.0.7 PROBER=127.0.0.30
BLOCK=8
KIM=0262006200082 NOBODY=0262006200099
cd "$T"

pg_up 55457
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$SIP" "flood_rate = 200" "flood_burst = 400" "auth_block_seconds = $BLOCK"
vced_up
demo_load
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','pw1000'), sip_account_provision('2000','vce.local','pw2000'), sip_account_provision('3000','vce.local','pw3000')" >/dev/null
check "routing data loaded" wait_for 10 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 2000 | grep -q 'local -> SIP/2000'"
check "the guessers' addresses are trusted nowhere (no flood_trusted, no trusted peer)" \
    sh -c "! grep -rqE '127\.0\.0\.(7|1[0-9]|2[0-9]|30)\b' $E/*.conf && ! psql -X -At -d vce -c 'SELECT * FROM centres; SELECT * FROM carriers' | grep -q '127\.0\.0\.'"
check_match "Kim's number is hers" "SIP/$KIM" "$(ctl route test $KIM)"
check "nobody has $NOBODY (no member's phone to route it to)" sh -c "! \"$VCECTL\" -s $E/run/vced.ctl route test $NOBODY | grep -q 'SIP/$NOBODY'"
check_match "sip show security: the settings in force" \
    "password guessing guard: on.*10 failures within 60 s block it for $BLOCK s" "$(ctl sip show security | tr '\n' ' ')"

uas() {  # SCENARIO PORT: a SIPp callee in the background for one call
    sipp -sf "$SC/$1" -i 127.0.0.1 -p "$2" -m 1 -timeout 30 -timeout_error >"$T/uas-$2.out" 2>&1 &
    scenario_bg $!
}
uac() {  # SCENARIO CALLER PASSWORD SERVICE LOG: a member's call; prints the final code seen
    sipp -sf "$SC/$1" -key domain "$SRV" -key caller "$2" -au "$2" -ap "$3" -s "$4" -i 127.0.0.1 \
        -m 1 -timeout 30 -trace_msg -message_file "$T/$5.log" "$SRV" >/dev/null 2>&1
    grep -E '^SIP/2.0 [2-6][0-9][0-9]' "$T/$5.log" | grep -vE ' (407|100|180|183) ' | tail -n 1 | cut -d' ' -f2
}
probe() { python3 "$UA" probe "$SRV" "$@"; }  # METHOD NUMBER [--user U --password P] [--bind IP]
log() { cat "$E/vced.log"; }

# --- a guesser at one account from one address ---
check_eq "1000's phone registers (127.0.0.1)" 200 "$($UA register $SRV 1000 pw1000 55710)"
uas uas_call.xml $UAS
check "2000's phone (a SIPp UAS) registers" sipp -sf "$SC/uac_register_one.xml" -key domain "$SRV" -key user 2000 \
    -key contact_host 127.0.0.1 -key contact_port $UAS -key expires 3600 -au 2000 -ap pw2000 -i 127.0.0.1 -m 1 -timeout 10 -timeout_error "$SRV"
started=$(date +%s.%N)
python3 "$UA" guess "$SRV" 1000 100 --rate 20 --bind $GUESSER --responses "$T/responses" >"$T/guess.out" 2>&1 &
GUESS=$!
scenario_bg $GUESS
sleep 1.5  # 30 guesses in: blocked since the 10th
check_eq "during the attack 1000's phone registers again" 200 "$($UA register $SRV 1000 pw1000 55710)"
check_eq "and 1000 calls 2000: answered through the proxy" 200 "$(uac uac_call_auth.xml 1000 pw1000 2000 call1)"
check "the guessing was still going on meanwhile" kill -0 $GUESS
wait $GUESS
check_eq "100 guesses were sent (20/s)" 100 "$(wc -l <"$T/guess.out")"
check_eq "the first 10 were challenged (401 with WWW-Authenticate) and refused (403)" 10 \
    "$(head -n 10 "$T/guess.out" | grep -c '^401+challenge>403$')"
check_eq "from the 11th on: 403 at once, no WWW-Authenticate (90 of 90)" 90 "$(tail -n +11 "$T/guess.out" | grep -c '^403$')"
check_eq "blocked, the guesser's requests cost no digest work: 10 auth failures counted, no more" 10 \
    "$(log | grep -c "SECURITY event=auth_failed remote=$GUESSER:")"
check_eq "one SECURITY line for the block" 1 "$(log | grep -c "SECURITY event=auth_blocked remote=$GUESSER:")"
check_match "it names the source, the account, the failures and the duration" \
    "SECURITY event=auth_blocked remote=127\.0\.0\.7:[0-9]+ user=1000 failures=10 window=60s blocked_for=${BLOCK}s" "$(log)"
check "a guesser alone does not throttle the account" sh -c "! grep -q 'auth_throttled.*user=1000' $E/vced.log"
check_match "sip show security lists the blocked source and why" \
    "127\.0\.0\.7  failures 10  user 1000  10 failures in 60 s  since [0-9-]+ [0-9:]+  until [0-9-]+ [0-9:]+ \([0-9]+ s left\)" \
    "$(ctl sip show security)"
check_match "sip show status counts the refusals" "auth refused: +90 " "$(ctl sip show status)"
for m in REGISTER INVITE MESSAGE; do
    a=$(probe $m 2000 --bind $GUESSER)
    check_eq "blocked: its $m gets 403 with no WWW-Authenticate or Proxy-Authenticate" "SIP/2.0 403 Forbidden|" \
        "$(echo "$a" | head -n 1)|$(echo "$a" | grep -i authenticate)"
done
check_match "OPTIONS needs no authentication: still 200" "^SIP/2.0 200" "$(probe OPTIONS 2000 --bind $GUESSER)"

# --- the block ends ---
_challenged() { probe REGISTER 1000 --bind $GUESSER | grep -q '^SIP/2.0 401'; }
check "after auth_block_seconds the guesser is challenged again" wait_for 20 _challenged
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
check "  when the block ended: $elapsed s after the attack began (blocked from its 10th guess at 0.45 s, for $BLOCK s)" \
    awk -v e="$elapsed" -v b="$BLOCK" 'BEGIN { exit !(e >= b + 0.4 && e <= b + 4) }'
check_match "sip show security: no blocked source left" "blocked sources: +0" "$(ctl sip show security)"
check_eq "still one SECURITY line for the guesser's block" 1 "$(log | grep -c "SECURITY event=auth_blocked remote=$GUESSER:")"
check_eq "its count starts again: a wrong guess is challenged and refused, not blocked at once" "401+challenge>403" \
    "$(python3 "$UA" guess "$SRV" 1000 1 --bind $GUESSER)"

# --- enumeration: Kim's number and a number nobody has look the same ---
for m in REGISTER INVITE MESSAGE OPTIONS SUBSCRIBE; do
    a=$(probe $m $KIM --bind $PROBER) b=$(probe $m $NOBODY --bind $PROBER)
    check_eq "$m without credentials: the same answer for Kim's number and for $NOBODY ($(echo "$a" | head -n1 | cut -d' ' -f2))" "$a" "$b"
    a=$(probe $m $KIM --user $KIM --password wrong --bind $PROBER)
    b=$(probe $m $NOBODY --user $NOBODY --password wrong --bind $PROBER)
    check_eq "$m with a wrong password: the same answer for Kim's account and a user nobody is ($(echo "$a" | head -n1 | cut -d' ' -f2))" "$a" "$b"
done
check_match "REGISTER is challenged (401, MD5 and SHA-256)" "^SIP/2.0 401 .*WWW-Authenticate: Digest realm=\"vce.local\", nonce=\"NONCE\", algorithm=MD5.*algorithm=SHA-256" \
    "$(probe REGISTER $NOBODY --bind $PROBER | tr '\n' ' ')"
check_match "INVITE to a number nobody has is challenged too (407), not 404" "^SIP/2.0 407" "$(probe INVITE $NOBODY --bind $PROBER)"
forged=$(printf '0%.0s' $(seq 56))
a=$(probe REGISTER $KIM --user $KIM --password x --nonce "$forged" --bind $PROBER)
b=$(probe REGISTER $NOBODY --user $NOBODY --password x --nonce "$forged" --bind $PROBER)
check_eq "a forged nonce: challenged again for both ($(echo "$a" | head -n1 | cut -d' ' -f2))" "$a" "$b"
check_match "the log still says which it was" "SECURITY event=auth_failed remote=$PROBER:[0-9]+ user=$NOBODY method=REGISTER reason=unknown or disabled account" "$(log)"
check_eq "the prober (6 wrong passwords) is not blocked" 0 "$(log | grep -c "auth_blocked remote=$PROBER:")"

# --- distributed guessing at one account ---
check_eq "3000's phone registers (127.0.0.1)" 200 "$($UA register $SRV 3000 pw3000 55711)"
for i in 11 12 13 14 15; do python3 "$UA" guess "$SRV" 3000 2 --bind 127.0.0.$i >>"$T/spread.out"; done
check_eq "five addresses, two guesses each: every guess challenged and refused (no source at its limit)" 10 \
    "$(grep -c '^401+challenge>403$' "$T/spread.out")"
check_eq "the account is throttled: one SECURITY line" 1 "$(log | grep -c 'SECURITY event=auth_throttled .*user=3000 ')"
check_match "it names the account, the failures and the lock-out" \
    "SECURITY event=auth_throttled remote=127\.0\.0\.15:[0-9]+ user=3000 failures=10 window=60s lockout=1s" "$(log)"
check_match "sip show security lists the throttled account" \
    "throttled accounts: 1 +3000  failures 10  sources blocked 0  since [0-9-]+ [0-9:]+  lock-out 1 s" "$(ctl sip show security | tr '\n' ' ')"
check_eq "the next guess at 3000 (from 127.0.0.11) is challenged and refused" "401+challenge>403" \
    "$(python3 "$UA" guess "$SRV" 3000 1 --bind 127.0.0.11)"
check_match "and locks its source out (2 s): 403 without a challenge" "^SIP/2.0 403" "$(probe REGISTER 3000 --bind 127.0.0.11)"
check_match "a SECURITY line for that block" \
    "SECURITY event=auth_blocked remote=127\.0\.0\.11:[0-9]+ user=3000 failures=3 window=60s blocked_for=2s reason=failed for a throttled account" "$(log)"
check_eq "3000's phone (127.0.0.1, authenticated before) with its old password: refused" 403 "$($UA register $SRV 3000 old-pw 55711)"
check_eq "  but not locked out: it registers with the right one" 200 "$($UA register $SRV 3000 pw3000 55711)"
check_eq "3000's new phone at a fresh address (127.0.0.21) registers: a right password is accepted" 200 \
    "$(python3 "$UA" register $SRV 3000 pw3000 55712 --bind 127.0.0.21)"
check_eq "a guesser that is not blocked (127.0.0.12) with the right password too" 200 \
    "$(python3 "$UA" register $SRV 3000 pw3000 55713 --bind 127.0.0.12)"

# --- nothing secret in the log ---
for pw in pw1000 pw2000 pw3000 old-pw demo-pass-kim demo-pass-lee demo-pass-anna guess-; do
    check "no password '$pw' in the log" sh -c "! grep -q -- '$pw' $E/vced.log"
done
check_eq "the guesser sent 10 digest responses" 10 "$(wc -l <"$T/responses")"
check "none of them is in the log" sh -c "! grep -qFf $T/responses $E/vced.log"
