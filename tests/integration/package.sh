#!/bin/bash
# The Debian package, end to end: build it from a copy of the tree (dpkg-buildpackage, once per
# source state), lintian finds no error, install it, set up the database with vce-db-setup,
# start vced the way the unit does (its ExecStart as the vce user, with a NOTIFY_SOCKET to see
# READY=1: systemd is not PID 1 on the test machines), register a phone, then `dpkg -r` keeps
# the operator's /etc/vce and `dpkg --purge` leaves no file behind.
# Ports 57400-57499 (PostgreSQL 57490), SIP on 127.0.4.1.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
UA=$VCE_SRCDIR/tests/integration/siptool.py
PGP=57490 SIP=57401 IP=127.0.4.1
# A fixed build directory: the compiler sees the same paths every time, so ccache serves a
# rebuild after a change from its cache.
PKGBUILD=/tmp/vce-package-57400
CACHE=$VCE_BUILDDIR/package

if [ "$(id -u)" != 0 ]; then fail "package: the package test installs a .deb and needs root"; exit 1; fi
scenario_begin package
exec 9>/tmp/vce-it-package.lock
flock 9  # one package test at a time on this machine: it installs system-wide

# An earlier run killed half-way may have left the package installed and its vced running.
leftover=$(cat /run/vce/vced.pid 2>/dev/null)
if [ -n "$leftover" ] && [ "$(readlink "/proc/$leftover/exe" 2>/dev/null)" = /usr/sbin/vced ]; then
    kill -TERM "$leftover"; for _i in $(seq 1 50); do kill -0 "$leftover" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$leftover" 2>/dev/null
fi
dpkg_retry() {  # dpkg waits for nobody: another engineer's apt-get may hold the lock a moment
    for _i in $(seq 1 30); do
        "$@" >>"$T/dpkg.log" 2>&1 && return 0
        grep -q "lock" "$T/dpkg.log" || return 1
        sleep 2
    done
    return 1
}
purge_vce() {
    vced_stop  # (the installed one, when a failure left it running)
    if dpkg-query -W -f='${Status}' vce 2>/dev/null | grep -q "installed\|config-files"; then
        dpkg_retry dpkg --purge vce
    fi
}
purge_vce
scenario_at_exit purge_vce  # a run that fails half-way does not leave the package installed
check "no vce package left from an earlier run" sh -c "! dpkg-query -W -f='\${Status}' vce 2>/dev/null | grep -q ok"

# --- build (skipped when the .deb of exactly this source is in the cache) ---
src_files() { git -C "$VCE_SRCDIR" ls-files -z --cached --others --exclude-standard 2>/dev/null; }
pkg_files() { src_files | tr '\0' '\n' | grep -v '^tests/' | tr '\n' '\0'; }  # what the .deb is made of
if [ -n "$(src_files | head -c1)" ]; then
    key=$(cd "$VCE_SRCDIR" && pkg_files | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-16)
else  # not a git tree (an unpacked dist tarball)
    key=$(cd "$VCE_SRCDIR" && find . -path ./build -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
fi
deb=$(ls "$CACHE/$key"/vce_*.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
    rm -rf "$PKGBUILD" && mkdir -p "$PKGBUILD/vce"
    if [ -n "$(src_files | head -c1)" ]; then
        (cd "$VCE_SRCDIR" && src_files | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -T - -cf -) | tar -xf - -C "$PKGBUILD/vce"
    else
        (cd "$VCE_SRCDIR" && tar --exclude=./build -cf - .) | tar -xf - -C "$PKGBUILD/vce"
    fi
    t0=$(date +%s)
    cc=gcc cxx=g++
    if command -v ccache >/dev/null; then cc="ccache gcc" cxx="ccache g++"; fi
    (cd "$PKGBUILD/vce" && DEB_BUILD_OPTIONS="nocheck parallel=2" CCACHE_BASEDIR=$PKGBUILD \
        CC="$cc" CXX="$cxx" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
    rc=$? t1=$(date +%s)
    echo "  dpkg-buildpackage: exit $rc after $((t1 - t0)) s"
    check_eq "dpkg-buildpackage -us -uc -b builds the package" 0 "$rc"
    [ "$rc" = 0 ] || { tail -n 30 "$T/build.log" | sed 's/^/  /'; exit 1; }
    rm -rf "$CACHE" && mkdir -p "$CACHE/$key" && cp "$PKGBUILD"/vce_*.deb "$CACHE/$key/"
    deb=$(ls "$CACHE/$key"/vce_*.deb | head -n1)
    rm -rf "$PKGBUILD"
else
    echo "  reusing $deb (built from this same source)"
    pass "dpkg-buildpackage -us -uc -b builds the package (cached for this source)"
fi

lintian --no-tag-display-limit "$deb" >"$T/lintian.log" 2>&1
check_eq "lintian: no errors" "" "$(grep '^E: ' "$T/lintian.log")"

# --- install ---
check "the package installs (dpkg -i)" dpkg_retry dpkg -i "$deb"
check "the vce system user exists" getent passwd vce
check_eq "vced and vcectl are installed" "/usr/sbin/vced /usr/bin/vcectl" "$(command -v vced) $(command -v vcectl)"
moddir=$(dirname "$(dpkg -L vce | grep '/modules/chan_sip.so$')")
check_match "modules in \$(libdir)/vce/modules" "^/usr/lib/[^/]+/vce/modules$" "$moddir"
for m in res_pgsql app_route chan_sip chan_tdm; do check "module $m.so installed" test -f "$moddir/$m.so"; done
check "the migrations are installed" test -f /usr/share/vce/sql/001_base.sql
for f in vced modules res_pgsql sip app_route tdm extensions; do
    check "/etc/vce/$f.conf and its manual page" test -f "/etc/vce/$f.conf" -a -f "/usr/share/man/man5/$f.conf.5.gz"
done
check "manual pages vced(8), vcectl(8)" test -f /usr/share/man/man8/vced.8.gz -a -f /usr/share/man/man8/vcectl.8.gz
check "man vced renders" sh -c "man -l /usr/share/man/man8/vced.8.gz 2>&1 | grep -q 'Type=notify'"
check "the systemd unit is installed" test -f /lib/systemd/system/vced.service
check "systemd-analyze verify vced.service: clean" sh -c '[ -z "$(systemd-analyze verify /lib/systemd/system/vced.service 2>&1)" ] || { systemd-analyze verify /lib/systemd/system/vced.service; exit 1; }'
check "/etc/vce/res_pgsql.conf readable by vced only (root:vce 0640)" test "$(stat -c %U:%G:%a /etc/vce/res_pgsql.conf)" = root:vce:640
check "the fail2ban filter is installed" test -f /etc/fail2ban/filter.d/vced.conf

# --- first run: database, then vced as the unit starts it ---
pg_start "$PGDIR" "$PGP" || { fail "package: postgres starts"; exit 1; }
# What an operator does: point res_pgsql.conf at the database server, sip.conf at the address.
sed -i -e "s|^host *=.*|host = $PGDIR|" -e "s|^port *=.*|port = $PGP|" /etc/vce/res_pgsql.conf
sed -i "s|^bind *=.*|bind = $IP:$SIP|" /etc/vce/sip.conf
vce-db-setup >"$T/db-setup.log" 2>&1
check_eq "vce-db-setup creates the database and applies the migrations (exit 0)" 0 "$?"
check "vce-db-setup: vced -m applied 001_base" grep -qE "applied (migration )?001_base" "$T/db-setup.log"
vce-db-setup >"$T/db-setup2.log" 2>&1
check "vce-db-setup again: nothing to do, exit 0" grep -q "up to date" "$T/db-setup2.log"
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','pkg-pw-1000')" >/dev/null

execstart=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/vced.service)
check_eq "the unit runs vced -f" "/usr/sbin/vced -f" "$execstart"
# What RuntimeDirectory=vce does for the unit; the notify socket stands in for systemd's.
install -d -o vce -g vce -m 0750 /run/vce
python3 - "$T/notify.sock" >"$T/notify.log" 2>&1 <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
s.settimeout(60)
try:
    while True:
        msg = s.recv(4096).decode()
        print(msg.replace('\n', ' | '), flush=True)
        if 'STOPPING=1' in msg: break
except socket.timeout:
    pass
PY
scenario_bg $!
chmod a+x "$T"
for _i in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
: >"$T/vced.log" && chown vce "$T/vced.log"
runuser -u vce -- env NOTIFY_SOCKET="$T/notify.sock" $execstart >>"$T/vced.log" 2>&1 &
VCED_PID=$! VCED_CONFDIR=$T
wait_for 30 grep -q "READY=1" "$T/notify.log"
check_match "vced says READY=1 to systemd once modules and database are up" "READY=1 \| STATUS=modules loaded, database connected" "$(cat "$T/notify.log")"
check_eq "vced runs as the vce user" vce "$(ps -o user= -p "$(cat /run/vce/vced.pid 2>/dev/null || echo 1)")"
code=$(python3 "$UA" register "$IP:$SIP" 1000 pkg-pw-1000 57402 --bind 127.0.4.2 --expires 60 2>&1 | tail -n1)
check_eq "a phone registers with the installed vced" 200 "$code"
check_match "vcectl (installed) lists the registration" "1000" "$(vcectl -s /run/vce/vced.ctl sip show registrations 2>&1)"
code=$(python3 "$UA" register "$IP:$SIP" 1000 wrong-pkg-pw 57403 --bind 127.0.4.3 --expires 60 2>&1 | tail -n1)
check_eq "a wrong password is refused" 403 "$code"
check "the refusal is a SECURITY line" grep -q "SECURITY event=auth_failed remote=127.0.4.3:" "$T/vced.log"
n=$(grep -c "SECURITY event=" "$T/vced.log")
check_eq "the installed fail2ban filter matches the $n SECURITY lines, nothing else" "$n" \
    "$(fail2ban-regex "$T/vced.log" /etc/fail2ban/filter.d/vced.conf 2>&1 | sed -n 's/^Lines: .*, \([0-9]*\) matched.*/\1/p')"
# systemd signals the main pid ($MAINPID), vced itself: runuser passes SIGHUP on to nobody.
MAINPID=$(cat /run/vce/vced.pid 2>/dev/null)
kill -HUP "$MAINPID"
wait_for 10 grep -q "configuration reloaded" "$T/vced.log"
check "SIGHUP (ExecReload) reloads" grep -q "configuration reloaded" "$T/vced.log"
kill -TERM "$MAINPID"
for _i in $(seq 1 150); do alive "$VCED_PID" || break; sleep 0.1; done
wait "$VCED_PID" 2>/dev/null; rc=$?  # runuser passes vced's exit status on
VCED_PID=
check_eq "vced stops on SIGTERM with exit 0" 0 "$rc"
check "no password in vced's log" sh -c "! grep -q 'pkg-pw-1000\|wrong-pkg-pw' '$T/vced.log'"
mkdir -p "$VCE_BUILDDIR/test-logs/vced" && cp "$T/vced.log" "$VCE_BUILDDIR/test-logs/vced/package.log"
pg_stop "$PGDIR"

# --- remove keeps the configuration, purge leaves nothing ---
files=$(dpkg -L vce | while read -r f; do [ -f "$f" ] && echo "$f"; done)
check "dpkg -r vce" dpkg_retry dpkg -r vce
check "after dpkg -r: /etc/vce kept, with the operator's change" grep -q "port = $PGP" /etc/vce/res_pgsql.conf
check "after dpkg -r: /usr/sbin/vced gone" test ! -e /usr/sbin/vced
check "dpkg --purge vce" dpkg_retry dpkg --purge vce
left=$(for f in $files /etc/vce /var/lib/vce /run/vce; do [ -e "$f" ] && echo "$f"; done)
check_eq "after dpkg --purge: none of the package's files, /etc/vce, /var/lib/vce, /run/vce remain" "" "$left"
check "after dpkg --purge: no vce user" sh -c '! getent passwd vce'
