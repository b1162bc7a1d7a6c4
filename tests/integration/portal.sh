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
    { echo "[general]"; echo "bind = $ADDR"; echo "port = $PORT"; echo "files = $VCE_SRCDIR/modules/res_http"; echo "sip_server = 127.0.0.1:5060"
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

# A newcomer buys a personal number: request, approval (by an operator, in SQL until the
# console exists), final selection, bank-transfer reference, payment confirmed.
JAR=$T/cookies
form_of() { get "$1" -c "$JAR" -b "$JAR"; }
csrf_in() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n1 | sed 's/.*value="//; s/"//'; }
# post PATH FIELD=VALUE... : the status, the Location and the body, with the cookie jar
post() { _p=$1; shift; _a=(); for _f in "$@"; do _a+=(--data-urlencode "$_f"); done
         curl -s --max-time 10 -c "$JAR" -b "$JAR" -D "$T/headers" -o "$T/body" "${_a[@]}" "$URL$_p" >/dev/null
         sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p' "$T/headers" | tr -d '\r'; }
location() { sed -n 's/^Location: //p' "$T/headers" | tr -d '\r'; }

shop=$(get '/shop?kind=pin&country=082')
check_match "shop: each number links to its request form" 'href="/order\?number=02-777-7777-082"' "$shop"
page=$(form_of '/order?number=02-777-7777-082')
check_match "request form: the number and its price" "Request the number <span class=\"number\">02-777-7777-082</span>.*" "$page"
check_match "request form: a PIN is for an individual" 'name="kind" value="individual"' "$page"
csrf=$(csrf_in <<<"$page")
check "request form: carries a CSRF token" test ${#csrf} = 32
check_match "request form: the CSRF cookie is HttpOnly and SameSite" "vce_csrf=$csrf; Path=/; HttpOnly; SameSite=Strict" "$(curl -s -D - -o /dev/null -b "$JAR" "$URL/order?number=02-777-7777-082" | tr -d '\r')"
PERSON=(number=02-777-7777-082 kind=individual "name=Choi Yuna" country=082 "contact_pstn=+82 2-3333-4444" email=yuna.choi@example.org "other_voip=070-2222-3333")
check_eq "a request without the form's token is refused (403)" 403 "$(post /order "${PERSON[@]}" csrf=0123456789abcdef0123456789abcdef)"
check_match "and says to send the form again" "This form had expired .*send it again" "$(cat "$T/body")"
check_eq "a request without a PSTN number is refused (400)" 400 "$(post /order csrf="$csrf" number=02-777-7777-082 kind=individual "name=Choi Yuna" country=082 email=yuna.choi@example.org)"
check_match "and says what is needed" "a contactable PSTN number is required, e.g. \+82262006200. Correct it and send the form again" "$(cat "$T/body")"
check_match "what was typed is kept" 'name="name" value="Choi Yuna"' "$(cat "$T/body")"
check_eq "the refused request left no member behind" 0 "$(psql -X -At -c "SELECT count(*) FROM members WHERE email = 'yuna.choi@example.org'")"
check_eq "a complete request is accepted (303 to the order's page)" 303 "$(post /order csrf="$csrf" "${PERSON[@]}")"
link=$(location)
check_match "the order's page is at a secret link" '^/order/status\?id=[0-9]+&t=[0-9a-f]{64}$' "$link"
oid=$(sed 's/.*id=\([0-9]*\).*/\1/' <<<"$link")
page=$(get "$link" -b "$JAR")
check_match "order page: requested, being checked" '<td id="status">requested</td>' "$page"
check_match "order page: says what happens next" "We are checking your request" "$page"
check_eq "the buyer is registered with the seed's fields" "Choi Yuna|+82233334444|+827022223333" "$(psql -X -At -c "SELECT m.name, m.contact_pstn, v.number FROM members m JOIN member_voip_numbers v ON v.member_id = m.id WHERE m.email = 'yuna.choi@example.org'")"
check_eq "a wrong link shows no order (404)" 404 "$(code "/order/status?id=$oid&t=$(printf '0%.0s' $(seq 64))")"
check_match "and says which link to open" "no order $oid with this link: open the link you were given" "$(get "/order/status?id=$oid&t=00")"
# A second buyer wants the same number.
page=$(form_of '/order?number=02-777-7777-082')
check_match "a reserved number is not offered" "is no longer for sale. Choose another one" "$page"
csrf=$(csrf_in <<<"$(form_of '/order?number=03-6200-6200-081')")
check_eq "a request for a taken number is refused" 400 "$(post /order csrf="$csrf" number=02-777-7777-082 kind=individual "name=Kang Dae" country=082 "contact_pstn=+82 2-1111-2222" email=kang@example.org)"
check_match "and says it is taken" "number 02-777-7777-082 is already reserved by order $oid" "$(cat "$T/body")"
# The operator approves; the buyer selects and gets the bank-transfer reference.
psql -X -q -c "SELECT number_approve($oid)" >/dev/null
page=$(get "$link" -b "$JAR")
check_match "approved: the final selection is offered" 'Your request was approved. Buy <span class="number">02-777-7777-082</span> for <strong>150.00</strong>' "$page"
csrf=$(csrf_in <<<"$page")
check_eq "selection without the token is refused (403)" 403 "$(post /order/select id="$oid" t="${link##*t=}" csrf=ffffffffffffffffffffffffffffffff)"
check_eq "the final selection (303 back to the order)" 303 "$(post /order/select csrf="$csrf" id="$oid" t="${link##*t=}")"
page=$(get "$link" -b "$JAR")
check_match "selected: transfer the price quoting the reference" "Please transfer <strong>150.00</strong> .* reference <strong class=\"reference\">VCE-$oid-[0-9A-F]{6}</strong>" "$page"
ref=$(grep -o "VCE-$oid-[0-9A-F]*" <<<"$page" | head -n1)
check_eq "selecting twice is refused by the SQL" 409 "$(post /order/select csrf="$csrf" id="$oid" t="${link##*t=}")"
check_match "in words" "order $oid is awaiting payment and cannot be selected for purchase" "$(cat "$T/body")"
out=$(psql -X -At -c "SELECT number_pay($oid, 15.00, '$ref', 'bank transfer')" 2>&1)
check_match "a wrong amount is refused when the operator records it" "payment 15.00 does not match the price 150.00 of order $oid" "$out"
psql -X -q -c "SELECT number_pay($oid, 150.00, '$ref', 'bank transfer')" >/dev/null
check_match "paid: the number is the buyer's" '<td id="status">paid</td>' "$(get "$link")"
# The last step: the SIP password; the result gives the account a softphone needs.
page=$(get "$link" -b "$JAR")
check_match "paid: the number is the buyer's, choose the phone's password" "Paid: <span class=\"number\">02-777-7777-082</span> is yours" "$page"
csrf=$(csrf_in <<<"$page")
check_eq "two different passwords are refused (400)" 400 "$(post /order/register csrf="$csrf" id="$oid" t="${link##*t=}" password=yuna-pass-1 password2=yuna-pass-2)"
check_match "and say so" "The two passwords differ: type the same password twice" "$(cat "$T/body")"
check_eq "a short password is refused by the SQL (400)" 400 "$(post /order/register csrf="$csrf" id="$oid" t="${link##*t=}" password=short password2=short)"
check_match "and says how long" "the password must have at least 8 characters" "$(cat "$T/body")"
check_eq "registration with a good password" 200 "$(post /order/register csrf="$csrf" id="$oid" t="${link##*t=}" password=yuna-pass-1 password2=yuna-pass-1)"
check_match "the result: the SIP username and realm" '<td class="number account">027777777082</td><td>vce.local</td>' "$(cat "$T/body")"
check_match "the result: the SIP server to register at" 'id="sip-server">127.0.0.1:5060<' "$(cat "$T/body")"
check_eq "the digest secret is stored as today (HA1), not the password" t "$(psql -X -At -c "SELECT ha1_md5 = md5('027777777082:vce.local:yuna-pass-1') FROM sip_accounts WHERE username = '027777777082'")"
check "the switch's routing data knows the new account" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl route show | grep -qE '^accounts: *7\$'"
check_eq "registering twice is refused (400)" 400 "$(post /order/register csrf="$csrf" id="$oid" t="${link##*t=}" password=other-pass-2 password2=other-pass-2)"
check_match "and says it is done already" "the SIP account of 02-777-7777-082 is already set up" "$(cat "$T/body")"
check "the password is in no log" bash -c "! grep -rq 'yuna-pass-1' '$E/vced.log' '$PGDIR/server.log'"

# A company asks for a company number with two branch countries; a rejection says why.
page=$(form_of '/order?number=7777-0000')
check_match "company form: branch countries to choose" 'name="branches" value="001"' "$page"
csrf=$(csrf_in <<<"$page")
check_eq "a company request with two branches" 303 "$(post /order csrf="$csrf" number=7777-0000 kind=company "name=Blue Harbor Ltd." country=049 "contact_pstn=+49 30 5550199" email=info@blueharbor.example "company_reg_no=HRB 12345" "contact_person=Jonas Weber" branches=001 branches=049)"
clink=$(location)
cid=$(sed 's/.*id=\([0-9]*\).*/\1/' <<<"$clink")
check_match "its order lists the branch countries" "<th>Branch countries</th><td>001, 049</td>" "$(get "$clink")"
psql -X -q -c "SELECT number_reject($cid, 'The company registration number could not be verified.')" >/dev/null
page=$(get "$clink")
check_match "rejected: the reason and where to go" "Your request was not accepted: The company registration number could not be verified. You may choose another number in the <a href=\"/shop\">number shop</a>" "$page"
check_match "the rejected number is for sale again" '7777-0000' "$(get '/shop?kind=vns')"

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
check_match "a bad port is refused with file:line" "res_http.conf:6: port must be 1 to 65535" "$out"
http_conf
check "module load res_http again" ctl module load res_http
check_eq "it serves again" 200 "$(code /healthz)"
check_eq "the default address is loopback" "127.0.0.1" "$(sed -n 's/^bind = //p' "$VCE_SRCDIR/modules/res_http/res_http.conf.sample")"
