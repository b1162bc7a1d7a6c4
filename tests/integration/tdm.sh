#!/bin/bash
# Integration: chan_tdm in a real vced (with res_pgsql against a private PostgreSQL, and
# app_route when it is built) on two virtual spans: analog phones (vce-pstnsim phone, FXS)
# and PSTN trunks (vce-pstnsim sim, FXO). Prints PASS:/FAIL: lines. KEEP=1 keeps the temp dir.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"

SIM=$VCE_BUILDDIR/tests/pstnsim/vce-pstnsim
scenario_begin tdm
pg_up "${VCE_TDM_PGPORT:-55443}"
MODS="res_pgsql chan_tdm"
HAVE_ROUTE= HAVE_SIP=
if [ -e "$VCE_BUILDDIR/modules/app_route/.libs/app_route.so" ]; then
    HAVE_ROUTE=1; MODS="res_pgsql app_route chan_tdm"
    # chan_sip places gateway calls on the TDM channel technology (case 7: media over RTP).
    if [ -e "$VCE_BUILDDIR/modules/chan_sip/.libs/chan_sip.so" ]; then HAVE_SIP=1; MODS="$MODS chan_sip"; fi
fi
vced_setup $MODS
SIPPORT=${VCE_TDM_SIPPORT:-55275}
[ -n "$HAVE_SIP" ] && vced_sip_conf "$E" "$SIPPORT"
NUMBERS='021000=tone,022000=busy,023000=noanswer,0212345678=tone'

# Test contexts next to the shipped ones: PSTN numbers straight to the trunks (the shipped
# [from-analog] routes through Route()), and DIDs from the trunks to the phones.
cat >>"$E/extensions.conf" <<'CONF'

[tdm-test-phones]
exten => _0X.,1,Dial(TDM/pstnsim/${EXTEN},5)
 same => n,Hangup()
exten => _023X.,1,Dial(TDM/pstnsim/${EXTEN},10)
 same => n,Hangup()

[tdm-test-trunks]
exten => 4711,1,Set(CALLERID(num)=0212345678)
 same => n,Set(CALLERID(name)=Hong Gildong)
 same => n,Dial(TDM/phones/4711,20)
 same => n,Hangup()
; a careless entry: chan_tdm itself refuses to send a trunk call back out on a trunk
exten => _0X.,1,Dial(TDM/pstnsim/${EXTEN},5)
 same => n,Hangup()
CONF
tdm_conf_general "inter_digit_ms = 1500" "ring_timeout = 20"
tdm_conf_span phones "$T/phones.sock" 4 fxs alaw phones tdm-test-phones "callerid = 0262006200082" "line => 4, context=from-analog"
tdm_conf_pstn tdm-test-trunks

# A config error names file:line and the module declines (vced refuses: it is required).
mkdir -p "$T/bad"; cp "$E"/*.conf "$T/bad/"
sed -i "s#^rundir = .*#rundir = $T/bad/run#" "$T/bad/vced.conf"
sed -i 's/^signalling = fxo/signalling = em/' "$T/bad/tdm.conf"
out=$("$VCED" -c "$T/bad" -f 2>&1); rc=$?
check_eq "tdm.conf error: vced refuses to start" 1 "$rc"
check_match "tdm.conf error: names file and line" "tdm.conf:[0-9]+: signalling must be fxs" "$out"

vced_up -v
check_match "module show lists chan_tdm" "chan_tdm +running" "$(ctl module show)"
# The demo data (trunk group "pstnsim", numbers, members) for Route() in [from-analog].
[ -n "$HAVE_ROUTE" ] && demo_load
check_match "tdm show spans lists both spans" "phones +virtual +fxs.*pstn +virtual +fxo" "$(ctl tdm show spans | tr '\n' ' ')"
check_match "core show threads has the tdm thread" "tdm" "$(ctl core show threads)"

# The PSTN side: two trunk channels.
start_sim() { # LOGNAME [ARGS...]
    _n=$1; shift
    "$SIM" sim --span "$T/pstn.sock" --channels 2 --numbers "$NUMBERS" --seconds 120 "$@" >"$T/$_n.log" 2>&1 &
    SIMPID=$!; scenario_bg $SIMPID
}
stop_sim() { kill "$SIMPID" 2>/dev/null; wait "$SIMPID" 2>/dev/null; }
phone() { # LOGNAME CHANNEL ARGS...  (background; sets PHONEPID)
    _n=$1 _c=$2; shift 2
    "$SIM" phone --span "$T/phones.sock" --channel "$_c" "$@" >"$T/$_n.log" 2>&1 &
    PHONEPID=$!; scenario_bg $PHONEPID
}
result() { sed -n 's/^RESULT: //p' "$T/$1.log"; }
show_log() { printf '%s\n' "--- $1" "$(tail -n 12 "$T/$1.log")"; }

start_sim pstn
check "trunk channels attach" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"

# 1. Off hook: dial tone; a PSTN number of the tone service; audio both ways through two chains.
phone tone 1 --dial 021000 --hold 3 --seconds 20
sleep 1.5
check_match "show channels: off-hook line in dialtone or collecting" "TDM/phones/1 .*(dialtone|collecting digits)" "$(ctl tdm show channels)"
wait $PHONEPID
if grep -q "DIALTONE: heard" "$T/tone.log"; then pass "fxs: off hook hears dial tone (detected)"; else fail "fxs: off hook hears dial tone (detected)" "$(show_log tone)"; fi
check_match "pstn: the simulator got exactly the dialled digits" "ch[12]: dialled 021000 -> tone" "$(cat "$T/pstn.log")"
check_eq "fxs: answered (polarity reversal)" "answer" "$(result tone)"
if grep -q "AUDIO: 1000 Hz heard" "$T/tone.log"; then pass "bridge: the phone hears the PSTN tone service"; else fail "bridge: the phone hears the PSTN tone service" "$(show_log tone)"; fi
check_match "vced: the trunk call answered and bridged" "TDM/phones/1 <-> TDM/pstn/[12] bridged" "$(cat "$E/vced.log")"

# 2. Busy number.
phone busy 1 --dial 022000 --seconds 20
wait $PHONEPID
check_match "dial busy number: DIALSTATUS=BUSY" "TDM/phones/1: Dial\(TDM/pstnsim/022000\) -> DIALSTATUS=BUSY" "$(cat "$E/vced.log")"
check_eq "dial busy number: the phone hears busy" "busy" "$(result busy)"

# 3. No answer: NOANSWER after the Dial timeout (10 s); meanwhile both trunks are taken and a
#    third call gets CHANUNAVAIL.
phone na1 1 --dial 023000 --seconds 20; na1=$PHONEPID
phone na2 2 --dial 023000 --seconds 20; na2=$PHONEPID
check "both trunks ringing" wait_for 10 sh -c "[ \$(\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -c 'TDM/pstn/.*ringing') = 2 ]"
check_match "show channels: the dialled digits and the peer" "TDM/pstn/[12] .*ringing +023000 +TDM/phones/[12]" "$(ctl tdm show channels)"
phone unavail 3 --dial 021000 --seconds 15; un=$PHONEPID
wait $un
check_match "all trunks busy: DIALSTATUS=CHANUNAVAIL" "TDM/phones/3: Dial\(TDM/pstnsim/021000\) -> DIALSTATUS=CHANUNAVAIL" "$(cat "$E/vced.log")"
check_eq "all trunks busy: the phone hears congestion" "congestion" "$(result unavail)"
wait $na1; wait $na2
check_match "no answer: DIALSTATUS=NOANSWER after the timeout" "TDM/phones/1: Dial\(TDM/pstnsim/023000\) -> DIALSTATUS=NOANSWER" "$(cat "$E/vced.log")"
check "trunks idle again" wait_for 5 sh -c "[ \$(\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -c 'TDM/pstn/.* idle ') = 2 ]"

# 4. The shipped [from-analog]: 6200-6200#082 goes to the dialplan's Route() decision.
phone vns 4 --dial '62006200#082' --seconds 15
wait $PHONEPID
check_match "fxs [from-analog]: 6200-6200#082 collected with '#' and handed to the dialplan" \
    "TDM/phones/4: dialled 62006200#082, dialplan \[from-analog\]" "$(cat "$E/vced.log")"
if [ -n "$HAVE_ROUTE" ]; then
    check_match "fxs [from-analog]: routed by Route() (Dial with a DIALSTATUS)" "TDM/phones/4: Dial\(.*\) -> DIALSTATUS=" "$(cat "$E/vced.log")"
    grep -E "TDM/phones/4: Dial|dialled" "$E/vced.log" "$T/pstn.log" | sed 's/^/  info: /' | tail -n 4
else
    # Without app_route nothing decides, so nothing may leave: the call ends in the dialplan.
    check_match "fxs [from-analog]: without Route() nothing is dialled" "TDM/phones/4: dialplan ended" "$(cat "$E/vced.log")"
fi
stop_sim

# 5. A call from the PSTN with DID 4711 rings phone 2 with caller ID; the phone answers and
#    its DTMF reaches the PSTN caller through both chains.
phone ring 2 --await-ring --answer --send 159 --hold 3 --seconds 25; ring=$PHONEPID
sleep 0.5
start_sim inbound --call 1:4711
wait $ring
check_match "pstn call in: the DID runs the trunk's context" "TDM/pstn/1: dialled 4711, dialplan \[tdm-test-trunks\]" "$(cat "$E/vced.log")"
check_match "pstn call in: caller id decoded by the phone (SpanDSP ADSI rx)" "CALLERID: number=0212345678 name=Hong Gildong" "$(cat "$T/ring.log")"
check_eq "pstn call in: the phone answers" "answered callerid=0212345678" "$(result ring)"
check_match "pstn call in: the caller hears the phone's digits" "ch1: heard digits 159" "$(cat "$T/inbound.log")"
check "pstn call in: trunk released after the phone hangs up" wait_for 5 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -q 'TDM/pstn/1 .* idle '"
stop_sim

# 6. Security: a PSTN call whose DID is a PSTN number is not sent back out.
start_sim transit --call 1:021000
# (A call from a trunk reaches our own numbers only: chan_tdm seizes no trunk for it.)
check "pstn to pstn: refused by chan_tdm" wait_for 10 grep -q "TDM/pstn/1-[0-9]*: refused TDM/pstnsim: the caller may reach own, not the PSTN" "$E/vced.log"
sleep 1
if grep -q "ch2: dialled" "$T/transit.log"; then fail "pstn to pstn: nothing reached the other trunk" "$(show_log transit)"; else pass "pstn to pstn: nothing reached the other trunk"; fi
stop_sim

# 7. Media of the TDM channel technology: a SIP caller (a tiny UA + RTP peer below) dials a PSTN
#    number of the tone service; chan_sip hands the leg to chan_tdm with the caller's SDP offer
#    (PCMU only: the trunk is A-law, so the bridge transcodes). The caller must get an SDP answer
#    in the 200, hear the PSTN's 1 kHz tone over RTP, and its RFC 4733 digit is played in-band.
if [ -n "$HAVE_SIP" ]; then
start_sim media
check "gateway media: trunk channels attach" wait_for 10 sh -c "\"$VCECTL\" -s $E/run/vced.ctl tdm show spans | grep -q 'pstn .* 2  *2 '"
cat >"$T/rtppeer.py" <<'PY'
import hashlib, math, random, re, socket, struct, subprocess, sys, time
srv = ('127.0.0.1', int(sys.argv[1])); user, pw, number, show = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def ulaw_enc(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s), 32635) + 0x84
    e = 7
    while e > 0 and not s & (0x4000 >> (7 - e)): e -= 1
    return ~(sign | e << 4 | (s >> (e + 3)) & 15) & 0xff
def ulaw_dec(u):
    u = ~u & 0xff
    s = ((((u & 15) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84
    return -s if u & 0x80 else s
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sip.bind(('127.0.0.1', 0)); sip.settimeout(10)
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rtp.bind(('127.0.0.1', 0)); rtp.setblocking(False)
sp, rp = sip.getsockname()[1], rtp.getsockname()[1]
dom = '%s:%d' % srv; uri = 'sip:%s@%s' % (number, dom); callid = '%08x@rtppeer' % random.getrandbits(32)
sdp = ('v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
       'm=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n'
       'a=fmtp:101 0-16\r\na=ptime:20\r\n' % rp).encode()
def send(method, cseq, branch, to, extra=(), body=b''):
    h = ('%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=%s\r\nMax-Forwards: 70\r\n'
         'From: <sip:%s@%s>;tag=p%d\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n'
         'Contact: <sip:%s@127.0.0.1:%d>\r\n' % (method, uri, sp, branch, user, dom, sp, to, callid, cseq, method, user, sp))
    for x in extra: h += x + '\r\n'
    if body: h += 'Content-Type: application/sdp\r\n'
    sip.sendto(h.encode() + ('Content-Length: %d\r\n\r\n' % len(body)).encode() + body, srv)
def final(cseq):
    while True:
        t = sip.recvfrom(65535)[0].decode(errors='replace')
        if not t.startswith('SIP/2.0'): continue
        m = re.search(r'^CSeq:\s*(\d+)', t, re.M | re.I)
        if m and int(m.group(1)) == cseq and int(t.split()[1]) >= 200: return int(t.split()[1]), t
def hdr(t, name): return re.search(r'^%s:\s*(.*?)\r$' % name, t, re.M | re.I).group(1)
br = lambda: 'z9hG4bK%08x' % random.getrandbits(32)
b1 = br(); send('INVITE', 1, b1, '<%s>' % uri, body=sdp)
code, t = final(1); cseq = 1
if code in (401, 407):
    send('ACK', 1, b1, hdr(t, 'To'))
    ch = hdr(t, 'WWW-Authenticate' if code == 401 else 'Proxy-Authenticate')
    p = dict((k.strip(), v.strip('"')) for k, v in (x.split('=', 1) for x in ch.split(' ', 1)[1].split(',')))
    ha1 = hashlib.md5(('%s:%s:%s' % (user, p['realm'], pw)).encode()).hexdigest()
    ha2 = hashlib.md5(('INVITE:%s' % uri).encode()).hexdigest()
    resp = hashlib.md5(('%s:%s:00000001:c0ffee:auth:%s' % (ha1, p['nonce'], ha2)).encode()).hexdigest()
    auth = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=MD5, '
            'qop=auth, nc=00000001, cnonce="c0ffee"' % (user, p['realm'], p['nonce'], uri, resp))
    cseq = 2; send('INVITE', 2, br(), '<%s>' % uri, ['%sAuthorization: %s' % ('' if code == 401 else 'Proxy-', auth)], sdp)
    code, t = final(2)
print('INVITE', code)
if code != 200: sys.exit(1)
to = hdr(t, 'To'); send('ACK', cseq, br(), to)
body = t.split('\r\n\r\n', 1)[1]
print('ANSWER', ' | '.join(l for l in body.split('\r\n') if l[:2] in ('c=', 'm=') or 'rtpmap' in l))
peer = ('127.0.0.1', int(re.search(r'^m=audio (\d+)', body, re.M).group(1)))
got, seq, ts, nxt, shown = [], 1, 0, time.time(), False
for i in range(200):  # 4 s: 400 Hz toward the PSTN, one RFC 4733 '5' at 1 s
    if 50 <= i < 56:
        pl = struct.pack('!BBH', 5, (0x80 if i >= 53 else 0) | 10, (i - 49) * 160); pt = 101 | (0x80 if i == 50 else 0); ets = 50 * 160
        rtp.sendto(struct.pack('!BBHII', 0x80, pt, seq, ets, 0xbeef) + pl, peer)
    else:
        pl = bytes(ulaw_enc(int(4000 * math.sin(2 * math.pi * 400 * (ts + k) / 8000))) for k in range(160))
        rtp.sendto(struct.pack('!BBHII', 0x80, 0, seq, ts, 0xbeef) + pl, peer)
    seq += 1; ts += 160; nxt += 0.02
    if i == 150 and show:
        print('SHOW', ' '.join(subprocess.run(show, capture_output=True, text=True).stdout.split())); shown = True
    while time.time() < nxt:
        try:
            d = rtp.recv(2000)
            if len(d) > 12 and d[1] & 0x7f == 0: got.extend(ulaw_dec(b) for b in d[12:])
        except BlockingIOError:
            time.sleep(0.002)
best = 0.0
for w in range(0, max(0, len(got) - 800), 400):  # the share of a window's power at 1 kHz
    x = got[w:w + 800]; e = sum(v * v for v in x) or 1
    c = sum(v * math.cos(2 * math.pi * k / 8) for k, v in enumerate(x)); s = sum(v * math.sin(2 * math.pi * k / 8) for k, v in enumerate(x))
    a = 2 * math.hypot(c, s) / len(x)
    if a > 1000: best = max(best, (a * a / 2) / (e / len(x)))
print('RTP samples %d tone1k %.2f' % (len(got), best))
send('BYE', cseq + 1, br(), to); print('BYE', final(cseq + 1)[0])
PY
python3 "$T/rtppeer.py" "$SIPPORT" 025551234082 demo-pass-lee 0212345678 \
    "$VCECTL" -s "$E/run/vced.ctl" tdm show channels >"$T/rtppeer.log" 2>&1
sed 's/^/  info: /' "$T/rtppeer.log" | cut -c1-400
check_match "gateway media: the trunk call answered the SIP caller" "^INVITE 200" "$(cat "$T/rtppeer.log")"
check_match "gateway media: SDP answer with PCMU and telephone-event on 127.0.0.1, rtp_ports" \
    "^ANSWER c=IN IP4 127.0.0.1 \| m=audio 40[0-9]{3} RTP/AVP 0 101 \| a=rtpmap:0 PCMU/8000 \| a=rtpmap:101 telephone-event/8000" "$(cat "$T/rtppeer.log")"
check_match "gateway media: the SIP caller hears the PSTN's 1 kHz tone over RTP" "tone1k (0\.[89]|1\.)" "$(cat "$T/rtppeer.log")"
check_match "gateway media: tdm show channels has the media peer and counters" \
    "media: rtp 127.0.0.1:40[0-9]+ <-> 127.0.0.1:[0-9]+ PCMU rx [1-9][0-9]* tx [1-9][0-9]* auth-failures 0" "$(grep '^SHOW' "$T/rtppeer.log")"
check_match "gateway media: the RFC 4733 digit is played in-band on the trunk" "TDM/pstn/[12]: RTP digits 5 played in-band" "$(cat "$E/vced.log")"
check_match "gateway media: the caller's BYE is answered" "^BYE 200" "$(cat "$T/rtppeer.log")"
check "gateway media: trunks idle, media gone after BYE" wait_for 5 sh -c "! \"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -q 'media:' && [ \$(\"$VCECTL\" -s $E/run/vced.ctl tdm show channels | grep -c 'TDM/pstn/.* idle ') = 2 ]"
stop_sim
fi

check "module unload chan_tdm" ctl module unload chan_tdm
check "span socket can be taken again after unload" ctl module load chan_tdm
