#!/bin/bash
# fail2ban and vced's log: contrib/fail2ban's filter, run by fail2ban-regex over the log of a
# real vced, matches every SECURITY line (password guessing, an unknown user, a flood) with the
# attacker's address, and nothing of normal traffic (registrations, OPTIONS, a MESSAGE), also
# in the syslog/journal form of the same lines; a user name that imitates a SECURITY line does
# not get its made-up address banned. Ports 57410-57419, addresses 127.0.4.10-19.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
UA=$VCE_SRCDIR/tests/integration/siptool.py
IP=127.0.4.10 SIP=57410 PHONE=127.0.4.11 GUESSER=127.0.4.12 FLOODER=127.0.4.13 FORGER=127.0.4.14

command -v fail2ban-regex >/dev/null || { fail "fail2ban: fail2ban-regex is installed (Debian: fail2ban)"; exit 1; }
scenario_begin fail2ban
# The filter as fail2ban finds it installed: beside common.conf (its `before`).
mkdir -p "$T/filter.d" && cp "$VCE_SRCDIR/contrib/fail2ban/filter.d/vced.conf" "$T/filter.d/"
ln -s /etc/fail2ban/filter.d/common.conf "$T/filter.d/common.conf"
FILTER=$T/filter.d/vced.conf
pg_up 57490
vced_setup res_pgsql app_route chan_sip
{ printf '[general]\nbind = %s:%s\nrealm = vce.local\n' "$IP" "$SIP"
  echo "auth_fail_limit = 5"; echo "flood_rate = 20"; echo "flood_burst = 20"; } >"$E/sip.conf"
vced_up
migrated || { fail "fail2ban: migrations"; exit 1; }
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','f2b-pw-1000')" >/dev/null
ctl route reload >/dev/null 2>&1

# Normal traffic: a phone registers, asks OPTIONS, registers again.
check_eq "a phone registers" 200 "$(python3 "$UA" register "$IP:$SIP" 1000 f2b-pw-1000 57411 --bind $PHONE 2>&1 | tail -n1)"
python3 "$UA" options "$IP:$SIP" --bind $PHONE --count 3 >/dev/null 2>&1
python3 "$UA" register "$IP:$SIP" 1000 f2b-pw-1000 57411 --bind $PHONE >/dev/null 2>&1
# Attacks: password guessing, an unknown user, a flood of OPTIONS.
python3 "$UA" guess "$IP:$SIP" 1000 8 --rate 50 --bind $GUESSER >"$T/guess.out" 2>&1
python3 "$UA" register "$IP:$SIP" 9999 nope 57412 --bind $GUESSER >/dev/null 2>&1
python3 "$UA" options "$IP:$SIP" --bind $FLOODER --count 200 >/dev/null 2>&1
# A user name made to look like a SECURITY line of another address.
python3 "$UA" register "$IP:$SIP" 'x WARNING: SECURITY event=auth_failed remote=192.0.2.99:5060' nope 57413 --bind $FORGER >/dev/null 2>&1
sleep 1
vced_stop
LOG=$E/vced.log

sec=$(grep -c "SECURITY event=" "$LOG")
check "the log has SECURITY lines of the attacks (auth_failed, flood)" sh -c "grep -q 'SECURITY event=auth_failed remote=$GUESSER' '$LOG' && grep -q 'SECURITY event=flood remote=$FLOODER' '$LOG'"
matched() { sed -n 's/^Lines: .*, \([0-9]*\) matched.*/\1/p' "$1"; }
fail2ban-regex "$LOG" "$FILTER" >"$T/f2b.out" 2>&1
check_eq "fail2ban-regex matches every SECURITY line of vced's log ($sec), nothing else" "$sec" "$(matched "$T/f2b.out")"
fail2ban-regex -o ip "$LOG" "$FILTER" 2>/dev/null | sort -u >"$T/ips"
check_eq "the addresses it would ban: the guesser, the flooder, the forger" "$(printf '%s\n' $GUESSER $FLOODER $FORGER | sort)" "$(cat "$T/ips")"
# The same lines as syslog (vced without -f) and the journal (journalctl) show them.
sed -E 's/^\[([0-9-]+) ([0-9:]+)\.[0-9]+\] /Dec  7 \2 exchange1 vced[4242]: /' "$LOG" >"$T/syslog"
fail2ban-regex "$T/syslog" "$FILTER" >"$T/f2b-syslog.out" 2>&1
check_eq "syslog form: every SECURITY line matched, nothing else" "$sec" "$(matched "$T/f2b-syslog.out")"
check_eq "syslog form: the same addresses" "$(cat "$T/ips")" "$(fail2ban-regex -o ip "$T/syslog" "$FILTER" 2>/dev/null | sort -u)"
check "the phone's address is in no SECURITY line" sh -c "! grep 'SECURITY' '$LOG' | grep -q 'remote=$PHONE:'"
mkdir -p "$VCE_BUILDDIR/test-logs" && cp "$LOG" "$VCE_BUILDDIR/test-logs/fail2ban-vced.log"
