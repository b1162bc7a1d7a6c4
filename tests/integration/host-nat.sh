#!/bin/bash
# Integration: the host server of seed 000 claims 7/13 -- a box whose own address is private
# registers its number with a host exchange, which records the public address the REGISTER came
# from, and routes calls for that number there; the box's keepalives hold the NAT binding open.
# Three vced: the host exchange, box B behind the NAT (Lee's number) and box A on the public
# side (Anna's number); each box's phone calls the other's through the host, audio both ways.
#
# Variant "netns" (root, ip netns, nft): three network namespaces built here -- pub (the host
# exchange on 192.0.2.10, Kim's phone as a SIPp UAS and a SIPp caller), nat (a masquerading
# router 192.0.2.1 / 10.0.0.1 with port randomisation and 10 s UDP conntrack timeouts) and box
# (the edge box on 10.0.0.2, keepalive every 4 s). PostgreSQL and the control sockets are unix
# sockets, shared across namespaces.
# Variant "loopback" (no namespaces here): the box on 127.0.0.2 advertises a private address
# (10.9.9.9) in Via and Contact, as a box behind NAT would name its own; the exchange must still
# reach it at the address its REGISTER came from. The output says which variant ran.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
. "$VCE_SRCDIR/tests/lib/edgebox.sh"

scenario_begin host-nat
KIM=0262006200082 LEE=025551234082
SC=$VCE_SRCDIR/tests/integration/sipp
SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
cd "$T"

S=$(printf '%04x' $((RANDOM)))
NS_PUB=vce-pub-$S NS_NAT=vce-nat-$S NS_BOX=vce-box-$S
netns_down() { for n in "$NS_PUB" "$NS_NAT" "$NS_BOX"; do ip netns del "$n" 2>/dev/null; done; }
netns_up() {
    command -v nft >/dev/null && [ "$(id -u)" = 0 ] || return 1
    ip netns add "$NS_PUB" && ip netns add "$NS_NAT" && ip netns add "$NS_BOX" || return 1
    ip link add "vp$S" type veth peer name "vn$S" || return 1
    ip link set "vp$S" netns "$NS_PUB" && ip link set "vn$S" netns "$NS_NAT" || return 1
    ip link add "vb$S" type veth peer name "vm$S" || return 1
    ip link set "vb$S" netns "$NS_BOX" && ip link set "vm$S" netns "$NS_NAT" || return 1
    ip -n "$NS_PUB" addr add 192.0.2.10/24 dev "vp$S" && ip -n "$NS_PUB" addr add 192.0.2.20/24 dev "vp$S" && ip -n "$NS_NAT" addr add 192.0.2.1/24 dev "vn$S" &&
        ip -n "$NS_NAT" addr add 10.0.0.1/24 dev "vm$S" && ip -n "$NS_BOX" addr add 10.0.0.2/24 dev "vb$S" || return 1
    for x in "$NS_PUB vp$S" "$NS_NAT vn$S" "$NS_NAT vm$S" "$NS_BOX vb$S" "$NS_PUB lo" "$NS_NAT lo" "$NS_BOX lo"; do
        set -- $x; ip -n "$1" link set "$2" up || return 1
    done
    ip -n "$NS_BOX" route add default via 10.0.0.1 || return 1
    ip netns exec "$NS_NAT" sysctl -qw net.ipv4.ip_forward=1 || return 1
    # Idle UDP mappings go after 10 s: only keepalives keep the box reachable.
    ip netns exec "$NS_NAT" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=10 \
        net.netfilter.nf_conntrack_udp_timeout_stream=10 2>/dev/null
    ip netns exec "$NS_NAT" nft -f - <<NFT || return 1
table ip nat {
  chain post {
    type nat hook postrouting priority 100;
    oifname "vn$S" meta l4proto udp masquerade to :40000-49999 random
    oifname "vn$S" masquerade random
  }
}
NFT
}
scenario_at_exit netns_down

if [ "${VCE_NETNS:-1}" != 0 ] && netns_up; then  # VCE_NETNS=0 forces the loopback variant
    VARIANT=netns
    EXIP=192.0.2.10 BOXIP=10.0.0.2 UASIP=127.0.0.1 EX=5060 BOXPORT=5060 AIP=192.0.2.20 APORT=5060
    printf '#!/bin/sh\nexec ip netns exec %s "%s" "$@"\n' "$NS_PUB" "$VCED" >"$T/vced-pub"
    printf '#!/bin/sh\nexec ip netns exec %s "%s" "$@"\n' "$NS_BOX" "$VCED" >"$T/vced-box"
    chmod +x "$T/vced-pub" "$T/vced-box"
    in_pub() { ip netns exec "$NS_PUB" "$@"; }
else
    netns_down
    VARIANT=loopback
    EXIP=127.0.0.1 BOXIP=127.0.0.2 UASIP=127.0.0.1 EX=55630 BOXPORT=55632 AIP=127.0.0.3 APORT=55638
    ln -sf "$VCED" "$T/vced-pub"; ln -sf "$VCED" "$T/vced-box"
    in_pub() { "$@"; }
fi
echo "host-nat: variant $VARIANT"
pass "variant: $VARIANT (netns: a real masquerading NAT; loopback: a box advertising a private address)"

pg_up "${VCE_HOSTNAT_PGPORT:-55455}"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$EX"
sed -i "s/^bind = .*/bind = $EXIP:$EX/" "$E/sip.conf"
REAL_VCED=$VCED
VCED=$T/vced-pub vced_up
demo_load || { fail "host-nat: demo data"; exit 1; }

BOX_MEDIA_IP=$BOXIP edgebox_conf "$T/box" "$BOXIP:$BOXPORT" exchange "$EXIP:$EX" "$LEE" demo-pass-lee "keepalive = 4"
if [ "$VARIANT" = loopback ]; then sed -i 's/^realm = box.local$/&\nadvertise = 10.9.9.9/' "$B/sip.conf"; fi
VCED=$T/vced-box edgebox_start && pass "the box starts (in its namespace: $VARIANT)"
VCED=$REAL_VCED

check "the box registers Lee's number at the host exchange" wait_for 15 box_upstream_is registered
reg=$(ctl sip show registrations $LEE)
if [ "$VARIANT" = netns ]; then
    check_match "the host recorded the box's private Contact and the NAT's public address" \
        "$LEE  sip:$LEE@10.0.0.2:5060  via udp 192.0.2.1:4[0-9]{4}" "$reg"
else
    check_match "the host recorded the advertised Contact and the real source address" \
        "$LEE  sip:$LEE@10.9.9.9:$BOXPORT  via udp 127.0.0.2:$BOXPORT" "$reg"
fi

# Kim's phone at the host: a SIPp UAS registered with the host.
UAS=55634
kim_uas() {
    in_pub sipp -sf "$SC/uac_register_one.xml" -key domain "$EXIP:$EX" -key user $KIM -key contact_host $UASIP \
        -key contact_port $UAS -key expires 3600 -au $KIM -ap demo-pass-kim -i $UASIP -m 1 -timeout 10 -timeout_error "$EXIP:$EX" \
        >"$T/kimreg.out" 2>&1 || return 1
    in_pub sipp -sf "$SC/uas_call.xml" -i $UASIP -p $UAS -m 1 -timeout 40 -timeout_error >"$T/uas.out" 2>&1 &
    scenario_bg $!
    UASPID=$!
}
if kim_uas; then pass "Kim's phone (SIPp) registers at the host"; else fail "Kim's phone (SIPp) registers at the host" "$(tail -n 5 "$T/kimreg.out")"; fi

# The box's phone calls Kim through the NAT and the host.
"$SIM" phone --span "$T/phones.sock" --channel 1 --dial "$KIM" --hold 2 --seconds 20 >"$T/out.log" 2>&1
check_eq "the box's phone reaches Kim through the NAT: answered" "answer" "$(sed -n 's/^RESULT: //p' "$T/out.log")"
check "Kim's phone got the call and its BYE" wait_for 10 sh -c "! kill -0 $UASPID 2>/dev/null"

# Longer than the NAT's UDP timeout: only the box's keepalives keep its mapping.
sleep 16
check "after 16 s idle the box is still registered" box_upstream_is registered

# Kim calls Lee's number: the host sends the INVITE to the NAT's address, which reaches the box.
"$SIM" phone --span "$T/phones.sock" --channel 1 --await-ring --answer --hold 6 --seconds 25 >"$T/in.log" 2>&1 &
PHONE=$!
sleep 1
in_pub sipp -sf "$SC/uac_call_auth.xml" -key domain "$EXIP:$EX" -key caller $KIM -au $KIM -ap demo-pass-kim -s $LEE \
    -key hold 2000 -i $UASIP -p 55636 -m 1 -timeout 20 -timeout_error -trace_msg -message_file "$T/call-in.log" "$EXIP:$EX" >/dev/null 2>&1
rc=$?
wait "$PHONE"
check_match "the host's INVITE through the NAT rings the box's phone with Kim's caller ID" "CALLERID: number=$KIM" "$(cat "$T/in.log")"
check_eq "Kim's call completes (sipp)" 0 "$rc"
check_eq "Kim's call: 200 to the INVITE and 200 to the BYE" 2 "$(grep -c '^SIP/2.0 200 OK' "$T/call-in.log")"
if [ "$VARIANT" = netns ]; then
    check_match "the 200 OK came back with the box's Contact at the NAT's address" "^Contact: <sip:([^@>]*@)?192.0.2.1:4[0-9]{4}" "$(cat "$T/call-in.log")"
else
    check_match "the 200 OK came back with the box's Contact at its real address" "^Contact: <sip:([^@>]*@)?127.0.0.2:$BOXPORT" "$(cat "$T/call-in.log")"
fi
# Kim's phone hangs up first on a call from the box: its BYE comes through the host and the NAT
# to the box, addressed to the NAT's address, and ends the box's call.
in_pub sipp -sf "$SC/uas_call_hangup.xml" -i $UASIP -p $UAS -m 1 -timeout 30 -timeout_error \
    -trace_msg -message_file "$T/hangup.log" >"$T/uas2.out" 2>&1 &
UAS2=$!
scenario_bg $UAS2
"$SIM" phone --span "$T/phones.sock" --channel 1 --dial "$KIM" --hold 10 --seconds 25 >"$T/out2.log" 2>&1 &
PHONE=$!
wait "$UAS2"
check_eq "Kim's phone hung up first and its BYE was answered 200 by the box" 0 "$?"
check "the box ended its call on the callee's BYE" wait_for 5 grep -q "SIP: call .*SIP/exchange/$KIM): the callee hung up" "$B/vced.log"
wait "$PHONE"
# Box A on the public side, with Anna's number on its phone line; box B's phone calls it.
ANNA=03012345678049
BB=$B BBPID=$BOXPID
BOX_DB=boxa BOX_SOCKDIR=$T/a BOX_RTP=55640-55679 BOX_MEDIA_IP=$AIP \
    edgebox_conf "$T/boxa" "$AIP:$APORT" exchange "$EXIP:$EX" "$ANNA" demo-pass-anna
mkdir -p "$T/a"
VCED=$T/vced-pub edgebox_start && pass "box A starts (on the public side)"
check "box A registers Anna's number at the host" wait_for 15 box_upstream_is registered
# Box A reaches box B's media only once B's first packet has opened the NAT and A has latched
# onto it (symmetric RTP): Anna's digits wait a second after the answer, as a person would.
"$SIM" phone --span "$T/a/phones.sock" --channel 1 --await-ring --answer --send 5 --send-after 1 --hold 5 --seconds 30 >"$T/anna.log" 2>&1 &
ANNAPHONE=$!
sleep 1
"$SIM" phone --span "$T/phones.sock" --channel 1 --dial "$ANNA" --send 7 --hold 5 --seconds 30 >"$T/lee.log" 2>&1
wait "$ANNAPHONE"
check_match "box B's phone rings box A's phone through the host, with Lee's caller ID" "CALLERID: number=$LEE" "$(cat "$T/anna.log")"
check_eq "box B's phone is answered" "answer" "$(sed -n 's/^RESULT: //p' "$T/lee.log")"
check_match "Anna's digit reaches Lee's phone over RTP through the NAT" "dsp dtmf.*5|DTMF.*5|digit.*5" "$(cat "$T/lee.log")"
check_match "Lee's digit reaches Anna's phone over RTP through the NAT" "dsp dtmf.*7|DTMF.*7|digit.*7" "$(cat "$T/anna.log")"
# And the other way: box A's phone calls Lee's number; the host reaches box B through the NAT.
"$SIM" phone --span "$T/phones.sock" --channel 1 --await-ring --answer --send 9 --hold 5 --seconds 30 >"$T/lee-in.log" 2>&1 &
LEEPHONE=$!
sleep 1
"$SIM" phone --span "$T/a/phones.sock" --channel 1 --dial "$LEE" --send 3 --send-after 1 --hold 5 --seconds 30 >"$T/anna-out.log" 2>&1
wait "$LEEPHONE"
check_match "box A's phone rings box B's phone behind the NAT, with Anna's caller ID" "CALLERID: number=$ANNA" "$(cat "$T/lee-in.log")"
check_eq "box A's phone is answered" "answer" "$(sed -n 's/^RESULT: //p' "$T/anna-out.log")"
check_match "Lee's digit reaches Anna's phone (box B -> box A)" "dsp dtmf.*9" "$(cat "$T/anna-out.log")"
check_match "Anna's digit reaches Lee's phone (box A -> box B)" "dsp dtmf.*3" "$(cat "$T/lee-in.log")"
B=$BB BOXPID=$BBPID BOX_NUMBER=$LEE

# The host's packets dropped on the way (a filter in the NAT router): box B's keepalives go
# unanswered, it shows failing, and its phone's call to Kim takes its own trunk at once; when
# the filter goes, it registers again.
if [ "$VARIANT" = netns ]; then
    "$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers '0262006200=tone' --seconds 120 >"$T/pstn.log" 2>&1 &
    scenario_bg $!
    box_trunks_idle 10
    ip netns exec "$NS_NAT" nft -f - <<NFT
table ip filter {
  chain forward {
    type filter hook forward priority 0;
    ip saddr 192.0.2.10 udp sport 5060 drop
    ip daddr 192.0.2.10 udp dport 5060 drop
  }
}
NFT
    check "(dropped) the box sees the host silent and shows failing" wait_for 15 box_upstream_is failing
    "$SIM" phone --span "$T/phones.sock" --channel 1 --dial "$KIM" --hold 2 --seconds 20 >"$T/dropped.log" 2>&1
    check_match "(dropped) the box's phone is served by its trunk: Kim's PSTN number" "dialled 0262006200 -> tone" "$(cat "$T/pstn.log")"
    check_eq "(dropped) and answered there" "answer" "$(sed -n 's/^RESULT: //p' "$T/dropped.log")"
    ip netns exec "$NS_NAT" nft delete table ip filter
    check "(dropped) the filter gone, the box registers again within a few seconds" wait_for 10 box_upstream_is registered
fi
check "the box never crashed" kill -0 "$BOXPID"
