#!/bin/bash
# Integration: interop with Kamailio 5.6 as the box's upstream (issue 11): a standard UAC.
# Kamailio (tests/integration/kamailio/upstream.cfg: registrar in memory, auth_db against the
# test's PostgreSQL, digest with qop=auth for REGISTER and INVITE, record-routing proxy) on
# 127.0.0.1; the edge box (tests/lib/edgebox.sh) on 127.0.0.2 registers Lee's number there;
# Kim's softphone (baresip) registers there too. The box's phone calls Kim through Kamailio
# (challenged, answered, her 1 kHz heard); Kim calls Lee's number and the box's phone rings
# with her caller ID; the box unregisters when it stops.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
. "$VCE_SRCDIR/tests/lib/edgebox.sh"

scenario_begin kamailio-upstream
KAM=55620 BOXPORT=55622 KIMPORT=55624
KIM=0262006200082 LEE=025551234082
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
cd "$T"
if ! command -v kamailio >/dev/null; then
    fail "kamailio-upstream: kamailio is installed (contrib/install-deps installs it)"
    exit 1
fi

pg_up "${VCE_KAMAILIO_PGPORT:-55454}"
pg_createdb kamailio
{
    cat /usr/share/kamailio/postgres/standard-create.sql /usr/share/kamailio/postgres/auth_db-create.sql
    echo "INSERT INTO subscriber (username, domain, password) VALUES
        ('$LEE', '127.0.0.1', 'lee-at-kamailio'), ('$KIM', '127.0.0.1', 'kim-at-kamailio');"
} | psql -X -q -d kamailio -v ON_ERROR_STOP=1 >"$T/kamdb.log" 2>&1 || { sed 's/^/  /' "$T/kamdb.log"; fail "kamailio-upstream: Kamailio's tables"; exit 1; }
mkdir -p "$T/kamrun"
kamailio -f "$VCE_SRCDIR/tests/integration/kamailio/upstream.cfg" -DD -E -Y "$T/kamrun" -m 64 -M 8 \
    -A "LISTEN=udp:127.0.0.1:$KAM" -A "DBURL=\"postgres://postgres@127.0.0.1:$PGPORT/kamailio\"" \
    >"$T/kamailio.log" 2>&1 &
KAMPID=$!
scenario_bg $KAMPID
_kam_up() { python3 "$VCE_SRCDIR/tests/integration/siptool.py" options "127.0.0.1:$KAM" | grep -q 200; }
check "Kamailio answers OPTIONS" wait_for 10 _kam_up

VCED_CONFDIR=$T/box  # no exchange vced here: the box is the only one
edgebox_conf "$T/box" "127.0.0.2:$BOXPORT" kamailio "127.0.0.1:$KAM" "$LEE" lee-at-kamailio
edgebox_start && pass "the box starts, its database migrated and its routing data loaded"
"$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0262006200=tone' --seconds 300 >"$T/pstn.log" 2>&1 &
scenario_bg $!
check "the box registers Lee's number at Kamailio (digest, qop=auth)" wait_for 15 box_upstream_is registered
check_match "sip show upstream: Kamailio granted our expiry" "kamailio  $LEE  registered  server 127.0.0.1:$KAM/udp  expires in ([1-5][0-9]|60) s  last 200" "$(boxctl sip show upstream)"

# Kim's softphone at Kamailio: baresip sending a 1 kHz sine.
kim_start() {  # ANSWERMODE SECONDS [baresip args...]
    local mode=$1 s=$2
    shift 2
    rm -rf "$T/kim"
    KIMPORT=$((KIMPORT + 1))
    baresip_conf --tone 1000 --rtp 55300-55339 "$T/kim" "$KIMPORT" \
        "<sip:$KIM@127.0.0.1:$KAM;transport=udp>;auth_pass=kim-at-kamailio;answermode=$mode;regint=600"
    stdbuf -oL baresip -f "$T/kim" -t "$s" "$@" >"$T/kim.log" 2>&1 &
    KIMPID=$!
    scenario_bg $KIMPID
    wait_for 10 sh -c "tr -d '\\033' <'$T/kim.log' | grep -q '200 OK'"
}
kim_start auto 40
check_match "Kim's softphone registers at Kamailio" "200 OK" "$(tr -d '\033' <"$T/kim.log")"

"$SIM" phone --span "$T/phones.sock" --channel 1 --dial "$KIM" --hold 4 --seconds 25 >"$T/out.log" 2>&1
check_match "the box's call goes through Kamailio" "Dial\(SIP/kamailio/$KIM" "$(cat "$B/vced.log")"
check_match "Kamailio authenticated it and found Kim" "INVITE from $LEE to $KIM" "$(cat "$T/kamailio.log")"
check_eq "the box phone is answered (polarity reversal)" "answer" "$(sed -n 's/^RESULT: //p' "$T/out.log")"
check_match "and hears Kim's softphone (1 kHz)" "AUDIO: 1000 Hz heard" "$(cat "$T/out.log")"
check_match "Kim's phone sees Lee's number as the caller" "call on line 1 from sip:$LEE@127.0.0.1" "$(tr -d '\033' <"$T/kim.log")"
check_eq "the trunk was not used" 0 "$(grep -c 'dialled 0262006200' "$T/pstn.log")"
stop_pid "$KIMPID"

# Kim calls Lee's number: Kamailio's location sends it to the box; the phone rings.
"$SIM" phone --span "$T/phones.sock" --channel 1 --await-ring --answer --hold 4 --seconds 25 >"$T/in.log" 2>&1 &
PHONE=$!
sleep 1
kim_start auto 40 -e "/dial sip:$LEE@127.0.0.1:$KAM
"
wait "$PHONE"
check_match "Kim's call reaches the box's phone with her caller ID" "CALLERID: number=$KIM" "$(cat "$T/in.log")"
check_match "the box's phone hears Kim's 1 kHz" "AUDIO: 1000 Hz heard" "$(cat "$T/in.log")"
check_match "Kamailio relayed it to the box" "INVITE from $KIM to $LEE -> sip:$LEE@127.0.0.2:$BOXPORT" "$(cat "$T/kamailio.log")"
stop_pid "$KIMPID"

stop_pid "$BOXPID"
check_match "the box unregistered at stop" "kamailio $LEE: unregistering" "$(cat "$B/vced.log")"
check "Kamailio still runs" kill -0 "$KAMPID"
check "no password in the box's log" sh -c "! grep -q lee-at-kamailio '$B/vced.log'"
