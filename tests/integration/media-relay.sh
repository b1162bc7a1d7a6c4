#!/bin/bash
# Integration: two phones behind a real NAT call each other through vced, and the media relay is
# what makes them hear each other. Lee's and Kim's baresips each sit in a private network
# (10.0.1.2 and 10.0.2.2) behind one masquerading router (192.0.2.1) that does not route between
# its inside networks, so neither phone can reach the private address the other puts in its SDP.
# vced (SIP and relay on 192.0.2.10) runs the call twice: with media_relay = nat each phone's
# tone (Lee 600 Hz, Kim 1 kHz) is found in the other's recording and the relay port pairs are
# freed when the call ends; with media_relay = never the same call is established but its audio
# is lost -- the failure the relay exists for. A stranger spraying RTP at the relay's ports during
# the call reaches nobody (RTP bleed: dropped and counted). Then (media_relay = always) malformed
# SDP offers get 400/488 with a Warning saying why, take no ports, and vced goes on serving.
# Needs root and nft (network namespaces "vrl-*"); otherwise it says so and fails -- the
# loopback variant is not written yet.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
. "$VCE_SRCDIR/tests/lib/audio.sh"

scenario_begin media-relay
KIM=0262006200082 LEE=025551234082
EXIP=192.0.2.10 SIP=57100 SRV=192.0.2.10:57100
RELAY_PORTS=40000-40099
command -v baresip >/dev/null || { fail "baresip is installed"; exit 1; }

S=$(printf '%04x' $((RANDOM)))
NS_PUB=vrl-pub-$S NS_NAT=vrl-nat-$S NS_LEE=vrl-lee-$S NS_KIM=vrl-kim-$S
netns_down() { for n in "$NS_PUB" "$NS_NAT" "$NS_LEE" "$NS_KIM"; do ip netns del "$n" 2>/dev/null; done; }
netns_up() {
    command -v nft >/dev/null && [ "$(id -u)" = 0 ] || return 1
    local n
    for n in "$NS_PUB" "$NS_NAT" "$NS_LEE" "$NS_KIM"; do ip netns add "$n" || return 1; done
    ip link add "vrp$S" type veth peer name "vro$S" || return 1        # public side
    ip link add "vrl$S" type veth peer name "vri$S" || return 1        # Lee's network
    ip link add "vrk$S" type veth peer name "vrj$S" || return 1        # Kim's network
    ip link set "vrp$S" netns "$NS_PUB" && ip link set "vro$S" netns "$NS_NAT" &&
        ip link set "vrl$S" netns "$NS_LEE" && ip link set "vri$S" netns "$NS_NAT" &&
        ip link set "vrk$S" netns "$NS_KIM" && ip link set "vrj$S" netns "$NS_NAT" || return 1
    ip -n "$NS_PUB" addr add $EXIP/24 dev "vrp$S" && ip -n "$NS_NAT" addr add 192.0.2.1/24 dev "vro$S" &&
        ip -n "$NS_NAT" addr add 10.0.1.1/24 dev "vri$S" && ip -n "$NS_NAT" addr add 10.0.2.1/24 dev "vrj$S" &&
        ip -n "$NS_LEE" addr add 10.0.1.2/24 dev "vrl$S" && ip -n "$NS_KIM" addr add 10.0.2.2/24 dev "vrk$S" || return 1
    local x
    for x in "$NS_PUB vrp$S" "$NS_NAT vro$S" "$NS_NAT vri$S" "$NS_NAT vrj$S" "$NS_LEE vrl$S" "$NS_KIM vrk$S" \
        "$NS_PUB lo" "$NS_NAT lo" "$NS_LEE lo" "$NS_KIM lo"; do
        set -- $x; ip -n "$1" link set "$2" up || return 1
    done
    ip -n "$NS_LEE" route add default via 10.0.1.1 && ip -n "$NS_KIM" route add default via 10.0.2.1 || return 1
    ip netns exec "$NS_NAT" sysctl -qw net.ipv4.ip_forward=1 || return 1
    # Masquerade to the public side with random ports; the two private networks do not reach
    # each other (each is another customer's home).
    ip netns exec "$NS_NAT" nft -f - <<NFT || return 1
table ip nat {
  chain post {
    type nat hook postrouting priority 100;
    oifname "vro$S" meta l4proto udp masquerade to :41000-49999 random
    oifname "vro$S" masquerade random
  }
}
table ip filter {
  chain between_homes {
    type filter hook forward priority 0; policy accept;
    iifname "vri$S" oifname "vrj$S" drop
    iifname "vrj$S" oifname "vri$S" drop
  }
}
NFT
}
scenario_at_exit netns_down
if [ "$(id -u)" = 0 ] && netns_up; then
    pass "variant: netns (two phones behind a real masquerading NAT)"
else
    netns_down
    fail "variant: netns needs root and nft; the loopback variant is not written yet"
    exit 1
fi
in_pub() { ip netns exec "$NS_PUB" "$@"; }

pg_up "${VCE_RELAY_PGPORT:-57190}"
vced_setup res_pgsql app_route chan_sip
printf '#!/bin/sh\nexec ip netns exec %s "%s" "$@"\n' "$NS_PUB" "$VCED" >"$T/vced-pub"
chmod +x "$T/vced-pub"
REAL_VCED=$VCED
relay_conf() {  # MODE
    vced_sip_conf "$E" "$SIP" "media_relay = $1" "media_relay_ports = $RELAY_PORTS"
    sed -i "s/^bind = .*/bind = $EXIP:$SIP/" "$E/sip.conf"
}
relay_conf nat
VCED=$T/vced-pub vced_up -v
demo_load || { fail "media-relay: demo data"; exit 1; }

# A phone in its namespace: sends a sine of HZ, records what it receives.
phone_conf() {  # NAME IP HZ RTP ACCOUNT
    baresip_conf --tone "$3" --rtp "$4" --record "$T/$1" 5060 "$5"
    sed -i "s/^net_interface .*/net_interface $2/; s/^sip_listen .*/sip_listen $2:5060/" "$T/$1/config"
}
phone_conf kim 10.0.2.2 1000 40300-40399 "<sip:$KIM@$SRV;transport=udp>;auth_pass=demo-pass-kim;answermode=auto;regint=600"
phone_conf lee 10.0.1.2 600 40200-40299 "<sip:$LEE@$SRV;transport=udp>;auth_pass=demo-pass-lee;regint=600;outbound=\"sip:$SRV\""
registered() { ctl sip show registrations $KIM | grep -q 'via udp 192.0.2.1:'; }

# One call: Kim's phone waits (auto answer), Lee's dials her and hangs up after ~8 s.
# Prints the share of each tone in the other's recording: "LEE_HEARS KIM_HEARS".
call() {  # NAME
    rm -rf "$T/kim/snd" "$T/lee/snd"; mkdir -p "$T/kim/snd" "$T/lee/snd"
    ip netns exec "$NS_KIM" stdbuf -oL baresip -s -f "$T/kim" -t 25 >"$T/$1-kim.log" 2>&1 &
    KIMPID=$!; scenario_bg $KIMPID
    wait_for 10 registered || echo "  Kim's phone did not register through the NAT" >&2
    ip netns exec "$NS_LEE" timeout 25 baresip -f "$T/lee" -t 10 -e "/dial sip:02-6200-6200-082@$SRV" \
        >"$T/$1-lee.log" 2>&1
    kill "$KIMPID" 2>/dev/null; wait "$KIMPID" 2>/dev/null
}
tone_share() {  # DIR HZ
    local wavs; wavs=$(ls "$1"/snd/*dec*.wav 2>/dev/null)
    if [ -n "$wavs" ]; then tone_in_wavs "$2" $wavs; else echo "0.00"; fi
}

# A stranger on the public side sprays RTP at every relay port while the call runs.
spray() {
    in_pub python3 - "$EXIP" <<'PY' &
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.10", 40999))
end = time.time() + 12
seq = 0
while time.time() < end:
    for port in range(40000, 40100, 2):
        pkt = struct.pack("!BBHII", 0x80, 0, seq & 0xffff, seq * 160, 0xbad) + b"\x55" * 160
        s.sendto(pkt, (sys.argv[1], port))
    seq += 1
    time.sleep(0.05)
PY
    SPRAY=$!; scenario_bg $SPRAY
}

# --- With the relay (media_relay = nat) ---
spray
call relay
wait "$SPRAY" 2>/dev/null
lee_log=$(tr -d '\033' <"$T/relay-lee.log")
check_match "relay on: Lee calls Kim through the NAT: call established" "Call established" "$lee_log"
check_match "relay on: Kim's phone got an offer naming the relay, not Lee's private address" \
    "c=IN IP4 $EXIP" "$(tr -d '\033' <"$T/relay-kim.log")"
check "relay on: vced anchored the call at its relay" grep -q "media relay: call .* ended" "$E/vced.log"
share=$(tone_share "$T/kim" 600)
check_match "relay on: Lee's 600 Hz reaches Kim (share $share)" "^(0\.[5-9]|1\.)" "$share"
share=$(tone_share "$T/lee" 1000)
check_match "relay on: Kim's 1 kHz reaches Lee (share $share)" "^(0\.[5-9]|1\.)" "$share"
line=$(grep "media relay: call .* ended" "$E/vced.log" | tail -n 1)
check_match "relay on: the stranger's RTP was dropped and counted on both sides" \
    "caller [0-9]+ packets \([0-9]+ relayed, [1-9][0-9]* stray dropped\), callee [0-9]+ packets \([0-9]+ relayed, [1-9][0-9]* stray dropped\)" "$line"
# The relay's ports are free again: bound here by a fresh socket.
check "relay on: the call's relay ports are free after it ended" in_pub python3 -c "
import socket
for p in range(40000, 40100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('$EXIP', p)); s.close()"

# --- Without the relay (media_relay = never): the same call, audio lost in the NAT ---
vced_stop
relay_conf never
VCED=$T/vced-pub vced_up -v
call norelay
lee_log=$(tr -d '\033' <"$T/norelay-lee.log")
check_match "relay off: the call is established all the same" "Call established" "$lee_log"
check_match "relay off: Kim's phone got Lee's private address in the offer" "c=IN IP4 10\.0\.1\.2" \
    "$(tr -d '\033' <"$T/norelay-kim.log")"
share=$(tone_share "$T/kim" 600)
check_match "relay off: Lee's 600 Hz is lost on its way to Kim (share $share)" "^0\.[0-4]" "$share"
share=$(tone_share "$T/lee" 1000)
check_match "relay off: Kim's 1 kHz is lost on its way to Lee (share $share)" "^0\.[0-4]" "$share"
VCED=$REAL_VCED

# --- Malformed SDP (media_relay = always): refused with 400/488 and a reason, nothing allocated,
#     the daemon keeps serving ---
vced_stop
relay_conf always
VCED=$T/vced-pub vced_up -v
SIPTOOL="python3 $VCE_SRCDIR/tests/integration/siptool.py"
in_pub $SIPTOOL register $SRV $KIM demo-pass-kim 57120 --bind $EXIP >/dev/null
good="v=0
o=- 1 1 IN IP4 $EXIP
s=-
c=IN IP4 $EXIP
t=0 0
m=audio 40500 RTP/AVP 0
"
offer() {  # NAME SDP: Lee's INVITE to Kim with that SDP; prints the final answer's head
    printf '%s' "$2" | sed 's/$/\r/' >"$T/$1.sdp"
    in_pub $SIPTOOL probe $SRV INVITE $KIM --user $LEE --password demo-pass-lee --sdp "$T/$1.sdp" --bind $EXIP
}
anchored() { grep -c 'media relay: call .* ended' "$E/vced.log"; }
before=$(anchored)
many=$good; for i in $(seq 1 200); do many+="m=audio 0 RTP/AVP 0
"; done
while IFS='|' read -r name status reason sdp; do
    out=$(offer "$name" "$(printf "$sdp")")
    check_match "malformed SDP ($name): $status with a Warning saying why" \
        "^SIP/2.0 $status .*Warning: 399 vce \"[^\"]*$reason" "$(printf '%s' "$out" | tr '\n' ' ')"
done <<'ROWS'
no media line|488|no m=audio|v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\n
bad port|400|is not 0-65535|v=0\nc=IN IP4 192.0.2.10\nm=audio 99999 RTP/AVP 0\n
unknown transport|488|transport 'UDP/TLS/RTP/SAVPF'|v=0\nc=IN IP4 192.0.2.10\nm=audio 4000 UDP/TLS/RTP/SAVPF 0\n
no address|400|names no address|v=0\nm=audio 4000 RTP/AVP 0\n
not SDP at all|400|is not '<type>=<value>'|v=0\nhello world\n
ROWS
out=$(offer many "$many")
check_match "malformed SDP (201 m= lines): 488 with a Warning saying why" \
    "^SIP/2.0 488 .*Warning: 399 vce \"SDP has more than 16 media lines" "$(printf '%s' "$out" | tr '\n' ' ')"
check_match "after the malformed offers vced still answers OPTIONS" "^200$" "$(in_pub $SIPTOOL options $SRV --bind $EXIP)"
check_eq "no relay ports were taken for a refused offer" "$before" "$(anchored)"
# A good offer is anchored: Kim's fork names the relay (her 'phone' is not there: the call fails).
out=$(offer good "$good")
check "a good offer is anchored at the relay (ports taken, then freed as the leg fails)" \
    wait_for 10 sh -c "[ \$(grep -c 'media relay: call .* ended' '$E/vced.log') = $((before + 1)) ]"
VCED=$REAL_VCED
