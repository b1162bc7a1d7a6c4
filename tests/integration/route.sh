#!/bin/bash
# Integration: vced with res_pgsql and app_route against a private PostgreSQL with the demo
# data. `vcectl route test` on the seed's examples; admin SQL changes route within ~2 s
# without a restart (LISTEN vce_routing); `route reload`; a failed load keeps the old data;
# the SIP PSTN trunk; unload and load again.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

scenario_begin route
pg_up "${VCE_ROUTE_PGPORT:-55442}"
export PGDATABASE=vce

vced_setup res_pgsql app_route
cat >"$T/etc/app_route.conf" <<CONF
[general]
home_country = 082
trusted => 127.0.0.1,from-trunks
CONF

vced_up  # the first load and the demo data (its NOTIFYs) are checks below
check_match "module show lists app_route" "app_route +running" "$(ctl module show)"

gen() { ctl route show | sed -n 's/^generation: *//p'; }
count() { ctl route show | sed -n "s/^$1: *\\([0-9]*\\).*/\\1/p"; }
# rt NUMBER [--from CALLER] : the route test output
rt() { ctl route test "$@" 2>&1; }
var() { sed -n "s/^  $1=//p"; }

# The first load happens once migrations ran and the connection is up.
check "first load after the database comes up" wait_for 20 sh -c "[ \"\$(\"$VCECTL\" -s $T/etc/run/vced.ctl route show | sed -n 's/^generation: *//p')\" -ge 1 ]"

# Demo data: its NOTIFYs make the daemon reload by itself.
g0=$(gen)
psql -X -q -1 -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >"$T/demo.log" 2>&1 || fail "demo data loads" "$(tail -n 3 "$T/demo.log")"
check "demo data routes without reload or restart" wait_for 5 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route show | grep -qE '^aliases: *2\$'"
g1=$(gen)
check "generation increased after the demo load" test "$g1" -gt "$g0"
check_eq "route show: numbers" 3 "$(count numbers)"
check_eq "route show: accounts" 6 "$(count accounts)"
check_eq "route show: branches" 3 "$(count branches)"
check_eq "route show: carriers" 1 "$(count carriers)"
check_eq "route show: trunks" 2 "$(count trunks)"
check_eq "route show: centres" 4 "$(count centres)"
check_match "route show: this centre" "this centre: +Seoul centre" "$(ctl route show)"
check_match "route show: loaded at" "loaded at: +[0-9]{4}-" "$(ctl route show)"

# The seed's examples.
out=$(rt 02-6200-6200-082)
check_eq "PIN of a member: own number" own-number "$(printf '%s\n' "$out" | var ROUTE_CLASS)"
check_eq "PIN of a member: her account" SIP/0262006200082 "$(printf '%s\n' "$out" | var ROUTE_TARGET)"
check_eq "PIN of a member: PSTN fallback to her contact number" TDM/pstnsim/0234567890 "$(printf '%s\n' "$out" | var ROUTE_PSTN)"
check_match "route test prints the steps" "^1\. dialled '02-6200-6200-082'" "$out"
check_match "route test names the step that decided" "served here by account '0262006200082'" "$out"

out=$(rt 6200-6200#082)
check_eq "VNS with branch here: class" vns-branch "$(printf '%s\n' "$out" | var ROUTE_CLASS)"
check_eq "VNS with branch here: branch account" "SIP/62006200#082" "$(printf '%s\n' "$out" | var ROUTE_TARGET)"
out=$(rt 6200-6200#001)
check_eq "VNS branch abroad: the US partner centre" "SIP/us.partner.example.net:5060/62006200%23001" "$(printf '%s\n' "$out" | var ROUTE_TARGET)"
out=$(rt 6200-6200 --from 0262006200082)
check_eq "VNS base number: the caller's country's branch" "62006200#082" "$(printf '%s\n' "$out" | var ROUTE_NUMBER)"

out=$(rt example.com)
check_eq "domain alias: resolved" example.com "$(printf '%s\n' "$out" | var ROUTE_ALIAS)"
check_eq "domain alias: the company's branch" "SIP/62006200#082" "$(printf '%s\n' "$out" | var ROUTE_TARGET)"
out=$(rt minji.kim@example.org)
check_eq "e-mail alias: the member's phone" SIP/0262006200082 "$(printf '%s\n' "$out" | var ROUTE_TARGET)"

out=$(rt 070-1234-5678)
check_eq "carrier prefix: class" carrier "$(printf '%s\n' "$out" | var ROUTE_CLASS)"
check_eq "carrier prefix: the carrier's centre" "SIP/centre.hanul-voip.example.net:5060/+827012345678" "$(printf '%s\n' "$out" | var ROUTE_TARGET)"

out=$(rt 02-3456-7890)
check_eq "PSTN number: class" pstn "$(printf '%s\n' "$out" | var ROUTE_CLASS)"
check_eq "PSTN number: TDM trunk group" TDM/pstnsim/0234567890 "$(printf '%s\n' "$out" | var ROUTE_TARGET)"

out=$(rt 02-1234-5678-999)
check_eq "unknown country: refused 404" 404 "$(printf '%s\n' "$out" | var ROUTE_STATUS)"
check_match "unknown country: says why" "ROUTE_REASON=.*999.*unknown" "$out"
check_match "unknown country: the trace says refused" "refused: .*-> SIP 404" "$out"

out=$(ctl route test 2>&1); rc=$?
check_eq "route test without a number: usage, exit 1" "1 usage: route test NUMBER [--from CALLER]" "$rc $out"

# Admin changes route within ~2 s, no restart.
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT alias_add(2, 'jihoon@example.org')" >/dev/null
check "alias_add routes within 2 s" wait_for 2 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test jihoon@example.org | grep -q '^  ROUTE_TARGET=SIP/0255512340*82\$'"
check_match "new alias: Lee's number" "ROUTE_TARGET=SIP/025551234082" "$(rt jihoon@example.org)"
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT member_set_status(1, 'suspended', 'route test')" >/dev/null
check "suspended member stops routing within 2 s" wait_for 2 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-6200-6200-082 | grep -q '^  ROUTE_STATUS=404'"
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT member_set_status(1, 'active')" >/dev/null
check "reactivated member routes again" wait_for 2 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-6200-6200-082 | grep -q '^  ROUTE_CLASS=own-number'"
psql -X -q -v ON_ERROR_STOP=1 -c "UPDATE centres SET sip_address = 'sip:192.0.2.44:5060' WHERE name = 'US partner centre'" >/dev/null
check "centre address change routes within 2 s" wait_for 2 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 6200-6200#001 | grep -q 'ROUTE_TARGET=SIP/192.0.2.44:5060/'"
check_match "centre with an IP address is a trusted peer" "trusted peers: +2" "$(ctl route show)"

# A burst of 30 changes is coalesced into a few loads.
gb=$(gen)
for i in $(seq 1 30); do echo "UPDATE settings SET note = 'burst $i' WHERE name = 'sip.realm'; UPDATE centres SET priority = 10 WHERE name = 'US partner centre';"; done | psql -X -q >/dev/null
sleep 1.5
ga=$(gen)
check "a burst of 30 NOTIFYs is coalesced (generation $gb -> $ga)" test $((ga - gb)) -ge 1 -a $((ga - gb)) -le 10

# route reload
g=$(gen)
out=$(ctl route reload); rc=$?
check_eq "route reload succeeds" 0 "$rc"
check_match "route reload says the generation" "reloaded: generation $((g + 1))" "$out"

# A failed load keeps the old data and says why.
psql -X -q -c "ALTER TABLE aliases RENAME TO aliases_away" >/dev/null
out=$(ctl route reload 2>&1); rc=$?
check_eq "failed reload exits 1" 1 "$rc"
check_match "failed reload says why and keeps the generation" "keeping generation $((g + 1)):.*aliases" "$out"
check_match "routing goes on with the old data" "ROUTE_TARGET=SIP/0262006200082" "$(rt 02-6200-6200-082)"
check_match "route show shows the last error" "last error: .*aliases" "$(ctl route show)"
psql -X -q -c "ALTER TABLE aliases_away RENAME TO aliases" >/dev/null
check "reload works again" ctl route reload

# No TDM here: PSTN calls go to a SIP trunk (module reload re-reads app_route.conf).
cat >"$T/etc/app_route.conf" <<CONF
[general]
home_country = 082
pstn = sip
pstn_trunk = SIP/127.0.0.1:5090
trusted => 127.0.0.1,from-trunks
CONF
check "module reload app_route" ctl module reload app_route
check "pstn = sip: PSTN numbers via the SIP trunk" wait_for 2 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-3456-7890 | grep -q '^  ROUTE_TARGET=SIP/127.0.0.1:5090/0234567890\$'"
check_match "pstn = sip: the fallback too" "ROUTE_PSTN=SIP/127.0.0.1:5090/0234567890" "$(rt 02-6200-6200-082)"
printf '[general]\npstn = carrier-pigeon\n' >"$T/etc/app_route.conf"
out=$(ctl module reload app_route 2>&1); rc=$?
check "a bad app_route.conf is refused" test "$rc" -ne 0
check_match "a bad app_route.conf names file:line" "app_route.conf:2: pstn is tdm" "$out"
check_match "the old configuration stays" "ROUTE_TARGET=SIP/127.0.0.1:5090/0234567890" "$(rt 02-3456-7890)"

# Unload removes the commands; load brings everything back.
check "module unload app_route" ctl module unload app_route
out=$(ctl route show 2>&1); rc=$?
check_eq "route commands gone after unload" 2 "$rc"
printf '[general]\nhome_country = 082\n' >"$T/etc/app_route.conf"
psql -X -q -c "UPDATE centres SET priority = 10 WHERE name = 'US partner centre'" >/dev/null  # NOTIFY while unloaded
check "module load app_route" ctl module load app_route
check "loads again after load" wait_for 5 sh -c "\"$VCECTL\" -s $T/etc/run/vced.ctl route test 02-3456-7890 | grep -q '^  ROUTE_TARGET=TDM/pstnsim/0234567890\$'"
check "vced still running" kill -0 "$VCED_PID"
check_match "no errors logged but the provoked one" "^0\$" "$(grep -E 'ERROR|runtime error|AddressSanitizer' "$T/etc/vced.log" | grep -vc 'aliases')"
