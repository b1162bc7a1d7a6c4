# Shell library: an edge box (a second vced with analog phones and a PSTN trunk, registered at
# an upstream exchange) for integration scripts; sourced after scenario.sh.
#   edgebox_conf DIR BIND UPSTREAM SERVER NUMBER PASSWORD [SIP_LINE...]
#       config dir DIR (B=DIR): its own database `box` on the scenario's PostgreSQL; sip.conf
#       binding BIND with [upstream:UPSTREAM] at SERVER registering NUMBER (expires 60, and
#       SIP_LINEs); modules res_pgsql app_route chan_sip chan_tdm; home country 082; tdm.conf
#       with the phones span (2 lines, callerid NUMBER, context box-analog) on T/phones.sock and
#       the trunk span (group pstn) on T/pstn.sock, RTP 55340-55379 on $BOX_MEDIA_IP (default
#       127.0.0.1); DIAL_TIMEOUT=6,
#       BOX_UPSTREAM=UPSTREAM, dialling ends 1.5 s after the last digit
#       Several boxes: BOX_DB (database, default box), BOX_SOCKDIR (where the span sockets are,
#       default T), BOX_RTP (default 55340-55379) set for the call; the helpers below act on the
#       box in B (and BOX_NUMBER, BOX_UPSTREAM_NAME), so keep each box's values.
#   edgebox_start - starts it (BOXPID, stopped at exit), waits for its control socket and its
#       migrations, loads its routing data (Korea and its trunk box-kr: TDM/pstn/...)
#   boxctl ARGS... - vcectl on the box
#   box_upstream_is STATE - `sip show upstream` shows the box's registration in STATE
#   box_trunks_idle SECONDS - both trunk lines idle within SECONDS

edgebox_conf() {
    B=$1 BOX_UPSTREAM_NAME=$3 BOX_NUMBER=$5
    local bind=$2 server=$4 password=$6
    shift 6
    local db=${BOX_DB:-box} socks=${BOX_SOCKDIR:-$T} rtp=${BOX_RTP:-55340-55379}
    pg_createdb "$db"
    local confdir=${VCED_CONFDIR:-}
    vced_conf "$B" "$PGDIR" "$PGPORT" res_pgsql app_route chan_sip chan_tdm
    VCED_CONFDIR=$confdir  # ctl stays the exchange's
    sed -i "s/^dbname = vce\$/dbname = $db/" "$B/res_pgsql.conf"
    echo "$db" >"$B/dbname"
    sed -i -e 's/^DIAL_TIMEOUT=.*/DIAL_TIMEOUT=6/' -e "s/^BOX_UPSTREAM=.*/BOX_UPSTREAM=$BOX_UPSTREAM_NAME/" \
        "$B/extensions.conf"
    {
        printf '[general]\nbind = %s\nrealm = box.local\n\n' "$bind"
        printf '[upstream:%s]\nservers = %s\nnumbers = %s\npassword = %s\nexpires = 60\n' \
            "$BOX_UPSTREAM_NAME" "$server" "$BOX_NUMBER" "$password"
        _lines "$@"
    } >"$B/sip.conf"
    printf '[general]\nhome_country = 082\n' >"$B/app_route.conf"
    # The phones' numbers are open-ended (_.): dialling ends 1.5 s after the last digit.
    E=$B tdm_conf_general "media_ip = ${BOX_MEDIA_IP:-127.0.0.1}" "rtp_ports = $rtp" "inter_digit_ms = 1500"
    E=$B tdm_conf_span phones "$socks/phones.sock" 2 fxs alaw phones box-analog "callerid = $BOX_NUMBER" "callername = Box $BOX_NUMBER"
    E=$B tdm_conf_span pstn "$socks/pstn.sock" 2 fxo alaw pstn from-trunks
}

_box_sanitizer_check() { VCED_CONFDIR=$1 vced_sanitizer_check; }
boxctl() { "$VCECTL" -s "$B/run/vced.ctl" "$@"; }
_box_migrated() { boxctl db migrate 2>/dev/null | grep -q 'up to date'; }

edgebox_start() {
    rm -f "$B/run/vced.ctl"
    "$VCED" -c "$B" -f >>"$B/vced.log" 2>&1 &
    BOXPID=$!
    scenario_bg "$BOXPID"
    scenario_at_exit _box_sanitizer_check "$B"
    wait_for 10 test -S "$B/run/vced.ctl" || { fail "$SCENARIO: the box starts"; return 1; }
    wait_for 30 _box_migrated || { fail "$SCENARIO: the box's database is migrated"; return 1; }
    psql -X -q -d "$(cat "$B/dbname")" -v ON_ERROR_STOP=1 >"$T/boxdata.log" 2>&1 <<'SQL' || { sed 's/^/  /' "$T/boxdata.log"; return 1; }
INSERT INTO countries (code, name, trunk_prefix, intl_prefix, national_min_len, national_max_len, default_area)
VALUES ('082', 'Korea', '0', '00', 8, 10, '02') ON CONFLICT (code) DO NOTHING;
SELECT trunk_add('box-kr', '082', 'pstn', ARRAY['82'], channels => 2)
WHERE NOT EXISTS (SELECT 1 FROM trunks WHERE name = 'box-kr');
SQL
    boxctl route reload >/dev/null 2>&1
}

box_upstream_is() { boxctl sip show upstream | grep -qE "^$BOX_UPSTREAM_NAME  $BOX_NUMBER  $1 "; }
_box_trunks_idle() { [ "$(boxctl tdm show channels | grep -c 'TDM/pstn/.* idle ')" = 2 ]; }
box_trunks_idle() { wait_for "$1" _box_trunks_idle; }
