#!/bin/bash
# Integration: the web portal in a real browser — Chromium headless driven by Selenium
# (portal_browser.py) against a vced with the demo data on 127.0.5.2:57501 (PostgreSQL on
# 57591). Screenshots of each page in $VCE_BUILDDIR/test-logs/portal-browser/.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

for need in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$need" ] || { fail "portal-browser: $need is installed (contrib/install-deps)"; exit 1; }
done
/usr/bin/python3 -c "import selenium" 2>/dev/null || { fail "portal-browser: python3-selenium is installed"; exit 1; }

ADDR=127.0.5.2 PORT=57501
scenario_begin portal-browser
pg_up "${VCE_PORTAL_BROWSER_PGPORT:-57591}"
export PGDATABASE=vce
vced_setup res_pgsql app_route res_http
printf '[general]\nbind = %s\nport = %s\nfiles = %s\nsip_server = 127.0.0.1:5060\n' "$ADDR" "$PORT" "$VCE_SRCDIR/modules/res_http" >"$E/res_http.conf"
vced_up
check "demo data loads" demo_load

SHOTS=$VCE_BUILDDIR/test-logs/portal-browser
rm -rf "$SHOTS"
timeout 150 /usr/bin/python3 "$VCE_SRCDIR/tests/integration/portal_browser.py" "http://$ADDR:$PORT" "$SHOTS" 2>"$T/selenium.err"
rc=$?
if [ $rc != 0 ]; then tail -n 5 "$T/selenium.err" | sed 's/^/  /'; fi
check_eq "the browser run finished" 0 "$rc"
check "a screenshot of each page was kept" test "$(ls "$SHOTS"/*.png 2>/dev/null | wc -l)" -ge 12
