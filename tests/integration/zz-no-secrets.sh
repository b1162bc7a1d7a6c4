#!/bin/bash
# No password, digest response or message body in any log: a vced at full verbosity (-vv:
# debug, sofia-sip's own messages included) takes registrations, a password guessing run and
# a MESSAGE, and its log is searched for each secret it saw; then every log the suite kept
# (BUILDDIR/test-logs: each suite's output and every vced log of the scenarios) is searched for
# the demo passwords and every password the tests provision. Runs last (zz): the others' logs
# are in place. Ports 57420-57429, addresses 127.0.4.20-29.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
UA=$VCE_SRCDIR/tests/integration/siptool.py
IP=127.0.4.20 SIP=57420 PW=zz-secret-pw-4711 PW2=zz-secret-pw-0042 BODY=zz-secret-body-0815

scenario_begin zz-no-secrets
pg_up 57490
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$SIP"
sed -i "s/^bind = .*/bind = $IP:$SIP/" "$E/sip.conf"
echo "auth_fail_limit = 5" >>"$E/sip.conf"
vced_up -v -v
migrated || { fail "zz-no-secrets: migrations"; exit 1; }
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','$PW'), sip_account_provision('2000','vce.local','$PW2')" >/dev/null
ctl route reload >/dev/null 2>&1
python3 "$UA" listen 57421 8 >"$T/listen.out" 2>&1 &  # siptool registers contacts on 127.0.0.1
scenario_bg $!
sleep 0.3
check_eq "1000 registers (debug log on)" 200 "$(python3 "$UA" register "$IP:$SIP" 1000 "$PW" 57421 2>&1 | tail -n1)"
python3 "$UA" message "$IP:$SIP" 2000 "$PW2" 1000 "$BODY" --bind 127.0.4.22 >"$T/message.out" 2>&1
check "a MESSAGE with a body reaches 1000" wait_for 5 grep -q "GOT $BODY" "$T/listen.out"
python3 "$UA" guess "$IP:$SIP" 1000 6 --rate 50 --bind 127.0.4.23 --responses "$T/responses" >/dev/null 2>&1
check "the guesser sent digest responses to look for" test -s "$T/responses"
python3 "$UA" register "$IP:$SIP" 2000 "$PW" 57424 --bind 127.0.4.24 >/dev/null 2>&1  # 2000 with 1000's password
vced_stop
LOG=$E/vced.log
check "the debug log is a real one (sofia-sip's messages in it, at DEBUG)" grep -q "DEBUG: sofia " "$LOG"
check "the debug log has the registration and the refusals" sh -c "grep -q 'SECURITY event=auth_failed' '$LOG'"
found() { grep -F -l -r -e "$1" "${@:2}" 2>/dev/null | head -n 3; }
for s in "$PW" "$PW2" "$BODY"; do check_eq "no '$s' in the debug log" "" "$(found "$s" "$LOG")"; done
n=0 bad=
while read -r r; do
    [ -n "$r" ] || continue
    n=$((n + 1))
    grep -qF -- "$r" "$LOG" && bad="$bad $r"
done <"$T/responses"
check_eq "none of the $n digest responses sent is in the debug log" "" "$bad"

# Every log the suite kept.
LOGS=$VCE_BUILDDIR/test-logs
secrets=$( { sed -n "s/.*member_set_password([^,]*, *'\([^']*\)').*/\1/p" "$VCE_SRCDIR/sql/demo/demo.sql"
    grep -rhoE "sip_account_provision\('[^']*', *'[^']*', *'[^']*'" "$VCE_SRCDIR/tests/integration" | sed -E "s/.*'([^']*)'$/\1/"
    echo "$PW"; echo "$PW2"; echo "$BODY"; } | grep -E '.{6,}' | sort -u)
check "the demo passwords are among those looked for" sh -c "printf '%s\n' '$secrets' | grep -qx demo-pass-kim"
nlogs=$(find "$LOGS" -type f ! -name 'integration-zz-no-secrets.log' 2>/dev/null | wc -l)
echo "  looking for $(printf '%s\n' "$secrets" | wc -l) secrets in $nlogs logs under $LOGS"
# The suites' own output (test-logs/*.log, written by tests/run-all) names the secrets in its
# check lines ("PASS: no password 'pw1000' in the log"): those lines are the tests speaking,
# not a log of vced; every other line there, and every file below (vced's logs), counts.
secret_in() {  # SECRET: the files that hold it (at most 3)
    {
        grep -F -l -r -e "$1" "$LOGS"/*/ 2>/dev/null
        for f in "$LOGS"/*.log; do
            [ "$(basename "$f")" = integration-zz-no-secrets.log ] && continue
            grep -vE '^(PASS|FAIL): ' "$f" 2>/dev/null | grep -qF -e "$1" && echo "$f"
        done
    } | head -n 3 | tr '\n' ' '
}
hits=
for s in $secrets; do
    f=$(secret_in "$s")
    [ -n "$f" ] && hits="$hits
  '$s' in $f"
done
check_eq "no password or message body in any kept log of the suite" "" "$hits"
