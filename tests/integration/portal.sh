#!/bin/bash
# Integration: the web portal (res_http) of a vced with the demo data, over real HTTP (curl)
# on 127.0.5.1:57500. A visitor reads the prices, searches the number shop and mistypes;
# every answer carries the security headers; /metrics and /healthz follow the database
# (a binding written, PostgreSQL stopped and started); bad configuration is refused with
# file:line; the module unloads and loads again.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

ADDR=127.0.5.1 PORT=57500
URL=http://$ADDR:$PORT
scenario_begin portal
pg_up "${VCE_PORTAL_PGPORT:-57590}"
export PGDATABASE=vce

vced_setup res_pgsql app_route res_http
http_conf() {
    { echo "[general]"; echo "bind = $ADDR"; echo "port = $PORT"; echo "files = $VCE_SRCDIR/modules/res_http"
      for l in "$@"; do echo "$l"; done; } >"$E/res_http.conf"
}
http_conf
vced_up
check "demo data loads" demo_load
check_match "module show lists res_http" "res_http +running" "$(ctl module show)"
check_match "vcectl http show status names the address" "listening on http://$ADDR:$PORT/" "$(ctl http show status)"

# get PATH [CURL ARGS...] : the body; code PATH : the status; head PATH : the headers
get() { _p=$1; shift; curl -s --max-time 10 "$@" "$URL$_p"; }
code() { _p=$1; shift; curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$URL$_p"; }
head_of() { curl -s -o /dev/null -D - --max-time 10 "$URL$1" | tr -d '\r'; }

# A visitor opens the service page: prices and what is for sale, from the database.
home=$(get /)
check_eq "the service page answers 200" 200 "$(code /)"
check_match "it lists the retail rates" "<td>\+82</td><td>Korea fixed</td><td>0.0200</td>" "$home"
check_match "it lists Korea with the one PIN still for sale, from 150.00" "<td>Korea</td><td>082</td><td>1</td><td>150.00</td>" "$home"
check_match "it counts the company numbers for sale" "Company numbers \(VNS\) available: 2, from 300.00" "$home"
check_match "the style sheet is vced's own" 'href="/static/portal.css"' "$home"

# The number shop.
shop=$(get '/shop?kind=pin&country=082')
check_match "shop: Korean PINs for sale" '<td class="number">02-777-7777-082</td>' "$shop"
check "shop: a sold number is not offered" bash -c "! grep -q '02-6200-6200-082' <<<'$shop'"
check "shop: a number reserved by an open order is not offered" bash -c "! grep -q '02-6200-6201-082' <<<'$shop'"
shop=$(get '/shop?kind=vns&digits=7777')
check_match "shop: company numbers by digits" '<td class="number">7777-0000</td><td>company \(VNS\)</td>' "$shop"
shop=$(get '/shop?area=03')
check_match "shop: by area code" '<td class="number">03-6200-6200-081</td>' "$shop"
check "shop: the area search leaves out other areas" bash -c "! grep -q '02-777-7777-082' <<<'$shop'"
check_match "shop: nothing found says what to try" "No number for sale matches. Try fewer digits" "$(get '/shop?digits=99999')"

# Mistakes a visitor can make: each says what to do, with 400, and nothing breaks.
check_eq "shop: letters in the digits answer 400" 400 "$(code '/shop?digits=62x0')"
check_match "shop: letters in the digits say what may be typed" "The digits may contain only 0-9, dashes, # and the wildcards" "$(get '/shop?digits=62x0')"
check_match "shop: an unknown country is refused by the SQL, in words" "country 999 is not configured .*Change the search and try again" "$(get '/shop?country=999')"
check_match "shop: an area for a company number says why not" "Company numbers \(VNS\) have no area code" "$(get '/shop?kind=vns&area=02')"
xss=$(get '/shop?digits=%3Cscript%3Ealert(1)%3C/script%3E&area=%22%3E%3Cb%3E')
check_match "shop: what was typed is shown escaped" 'value="&lt;script&gt;alert\(1\)&lt;/script&gt;"' "$xss"
check "shop: no tag from the query reaches the page" bash -c "! grep -qE '<script>|\"><b>' <<<'$xss'"

# Every answer carries the security headers; pages are not cached, static files are.
h=$(head_of /shop)
check_match "CSP without inline scripts" "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'" "$h"
check_match "X-Content-Type-Options" "X-Content-Type-Options: nosniff" "$h"
check_match "X-Frame-Options" "X-Frame-Options: DENY" "$h"
check_match "pages are not cached" "Cache-Control: no-store" "$h"
h=$(head_of /static/portal.css)
check_match "the style sheet is served as CSS" "Content-Type: text/css" "$h"
check_match "static files may be cached" "Cache-Control: public, max-age=3600" "$h"
check_match "a 404 carries the headers too" "X-Frame-Options: DENY" "$(head_of /nothing-here)"
check_eq "unknown page: 404" 404 "$(code /nothing-here)"
check_eq "a path out of the static directory: 404" 404 "$(code /static/../../etc/passwd --path-as-is)"
check_eq "an encoded path out of it: 404" 404 "$(code /static/%2e%2e/%2e%2e/etc/passwd --path-as-is)"
check_eq "POST where only GET is served: 405" 405 "$(code / -d x=1)"
check_eq "a method the portal does not serve: 501" 501 "$(code / -X DELETE)"
check_eq "a body over 64 KiB is refused" 413 "$(code / --data-binary @<(head -c 100000 /dev/zero | tr '\0' a))"
printf 'GARBAGE\r\n\r\n' | timeout 3 bash -c "cat >/dev/tcp/$ADDR/$PORT" 2>/dev/null
check_eq "after a malformed request the portal still serves" 200 "$(code /healthz)"

# Health and metrics.
check_eq "/healthz with the database up" ok "$(get /healthz)"
m=$(get /metrics)
check_match "/metrics is Prometheus text" "# TYPE vce_database_up gauge" "$m"
check_match "/metrics: database up" "^vce_database_up 1$" "$(grep '^vce_database_up' <<<"$m")"
check_match "/metrics: the durable queue" "^vce_durable_queue_depth 0$" "$(grep '^vce_durable_queue_depth' <<<"$m")"
open=$(psql -X -At -c "SELECT count(*) FROM number_orders WHERE status IN ('requested','approved','selected')")
check_eq "/metrics: open orders as the database counts them" "vce_number_orders_open $open" "$(grep '^vce_number_orders_open' <<<"$m")"
check_eq "/metrics: no registrations yet" "vce_registrations 0" "$(grep '^vce_registrations ' <<<"$m")"
fours=$(grep '^vce_http_answers_total{class="4xx"}' <<<"$m" | awk '{print $2}')
check "/metrics: the 4xx answers above are counted (got ${fours:-none})" test "${fours:-0}" -ge 10
psql -X -q -c "INSERT INTO bindings (aor, terminal_id, contact, transport, expires_at) VALUES
    ('0262006200082', 'desk', 'sip:kim@127.0.5.9:5060', 'udp', now() + interval '1 hour'),
    ('0262006200082', 'mobile', 'sip:kim@127.0.5.10:5060', 'udp', now() + interval '1 hour'),
    ('025551234082', 'old', 'sip:lee@127.0.5.11:5060', 'udp', now() - interval '1 minute')"
m=$(get /metrics)
check_eq "/metrics: two live terminals, the expired one not counted" "vce_registrations 2" "$(grep '^vce_registrations ' <<<"$m")"
check_eq "/metrics: of one account" "vce_registered_accounts 1" "$(grep '^vce_registered_accounts ' <<<"$m")"

# PostgreSQL stops: the portal says so and keeps serving; it comes back by itself.
pg_stop "$PGDIR"
check "/healthz says 503 while the database is down" wait_for 10 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $URL/healthz)\" = 503 ]"
check_match "/healthz says why" "database" "$(get /healthz)"
check_match "/metrics still answers, database down" "^vce_database_up 0$" "$(get /metrics | grep '^vce_database_up')"
check_eq "the service page says it is unavailable (503)" 503 "$(code /)"
check_match "and asks to try again" "try again in a minute" "$(get /)"
pg_start "$PGDIR" "$PGPORT" >/dev/null 2>&1
check "/healthz is ok again once PostgreSQL is back" wait_for 30 bash -c "[ \"\$(curl -s $URL/healthz)\" = ok ]"

# Configuration: a mistake is refused with file:line and what was expected.
check "module unload res_http" ctl module unload res_http
check_eq "after unload nothing listens" 000 "$(code /healthz)"
http_conf "port = 99999"
out=$(ctl module load res_http 2>&1)
check_match "a bad port is refused with file:line" "res_http.conf:5: port must be 1 to 65535" "$out"
http_conf
check "module load res_http again" ctl module load res_http
check_eq "it serves again" 200 "$(code /healthz)"
check_eq "the default address is loopback" "127.0.0.1" "$(sed -n 's/^bind = //p' "$VCE_SRCDIR/modules/res_http/res_http.conf.sample")"
