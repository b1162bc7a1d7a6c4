#!/usr/bin/env python3
"""Hand-made SIP requests for the toll-fraud barrage (loopback only, UDP).

  fraud.py send SERVER BIND_IP URI [--method M] [--from URI] [--to URI] [--to-tag T]
                [--call-id C] [--max-forwards N] [--header 'Name: value']... [--user U --password P]
                [--then 'METHOD URI'] [--hold S] [--watch-bye]
      One request from BIND_IP to SERVER (host:port); prints the final status code ("none" when
      nothing answered). A 2xx is ACKed; with --then, that in-dialog request (re-INVITE, UPDATE,
      REFER, ...) is sent in the dialog and its code printed after the first; the call is then
      ended with BYE. With --watch-bye, a BYE that ends the call during the hold is answered
      200 and printed as "bye@SECONDS" (after the ACK), and we send none.
  fraud.py listen BIND_IP:PORT SECONDS [--answer CODE]
      A far end (a carrier's centre, a PSTN gateway) that counts what reaches it: prints
      "GOT <METHOD> <request-uri>" per request (and "CALLER from=... pai=..." per INVITE);
      INVITE is answered 486 (or CODE), the rest 200.
  fraud.py uas SERVER BIND_IP:PORT USER PASSWORD SECONDS
      A member's phone: registers, answers INVITE 200 (and everything else 200), prints GOT lines.
"""
import hashlib, random, socket, sys, time


FLAGS = ('--watch-bye',)  # options without a value


def opts(argv):
    pos, opt = [], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in FLAGS:
            opt.setdefault(a[2:], []).append('')
            i += 1
        elif a.startswith('--'):
            opt.setdefault(a[2:], []).append(argv[i + 1])
            i += 2
        else:
            pos.append(a)
            i += 1
    return pos, opt


def hostport(s):
    h, p = s.rsplit(':', 1)
    return h, int(p)


def header(text, name):
    for line in text.split('\r\n')[1:]:
        if line.split(':', 1)[0].strip().lower() == name.lower():
            return line.split(':', 1)[1].strip()
    return ''


def digest(user, password, method, uri, chal):
    params = {}
    for part in chal.split(' ', 1)[1].split(','):
        k, v = part.strip().split('=', 1)
        params[k] = v.strip('"')
    ha1 = hashlib.md5(f'{user}:{params["realm"]}:{password}'.encode()).hexdigest()
    ha2 = hashlib.md5(f'{method}:{uri}'.encode()).hexdigest()
    cnonce, nc = '%08x' % random.getrandbits(32), '00000001'
    resp = hashlib.md5(f'{ha1}:{params["nonce"]}:{nc}:{cnonce}:auth:{ha2}'.encode()).hexdigest()
    return (f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{uri}", response="{resp}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"')


class Leg:
    def __init__(self, server, bind_ip, port=0):
        self.server = hostport(server)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((bind_ip, port))
        self.sock.settimeout(4)
        self.ip, self.port = self.sock.getsockname()
        self.cseq = 0

    def send(self, method, uri, frm, to, call_id, extra, body='', mf='70', cseq=None):
        self.cseq = cseq or self.cseq + 1
        branch = 'z9hG4bK%08x' % random.getrandbits(32)
        head = (f'{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {self.ip}:{self.port};rport;branch={branch}\r\n'
                f'Max-Forwards: {mf}\r\nFrom: {frm}\r\nTo: {to}\r\nCall-ID: {call_id}\r\n'
                f'CSeq: {self.cseq} {method}\r\nContact: <sip:x@{self.ip}:{self.port}>\r\n')
        for h in extra:
            head += h + '\r\n'
        head += f'Content-Length: {len(body)}\r\n\r\n{body}'
        self.sock.sendto(head.encode(), self.server)
        if method == 'ACK':
            return None, ''
        end = time.time() + 6
        while time.time() < end:
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                return None, ''
            text = data.decode(errors='replace')
            if not text.startswith('SIP/2.0'):
                continue
            if header(text, 'cseq').split()[0] != str(self.cseq):
                continue
            code = int(text.split(' ', 2)[1])
            if code >= 200:
                if code >= 300 and method == 'INVITE':  # the transaction's own ACK
                    ack = (f'ACK {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {self.ip}:{self.port};branch={branch}\r\n'
                           f'Max-Forwards: 70\r\nFrom: {frm}\r\nTo: {header(text, "to")}\r\n'
                           f'Call-ID: {call_id}\r\nCSeq: {self.cseq} ACK\r\nContent-Length: 0\r\n\r\n')
                    self.sock.sendto(ack.encode(), self.server)
                return code, text
        return None, ''


SDP = ('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
       'm=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n')


def cmd_send(pos, opt):
    server, bind_ip, uri = pos[1], pos[2], pos[3]
    one = lambda k, d='': opt.get(k, [d])[-1]
    method = one('method', 'INVITE')
    leg = Leg(server, bind_ip)
    frm = f'<{one("from", "sip:caller@" + bind_ip)}>;tag=f{leg.port}'
    to = f'<{one("to", uri)}>' + (f';tag={one("to-tag")}' if one('to-tag') else '')
    call_id = one('call-id', '%08x@fraud' % random.getrandbits(32))
    extra = list(opt.get('header', []))
    body = SDP if method in ('INVITE', 'UPDATE') else ''
    if body:
        extra.append('Content-Type: application/sdp')
    code, text = leg.send(method, uri, frm, to, call_id, extra, body, one('max-forwards', '70'))
    if code in (401, 407) and one('user'):
        name = 'Authorization' if code == 401 else 'Proxy-Authorization'
        chal = header(text, 'WWW-Authenticate' if code == 401 else 'Proxy-Authenticate')
        extra2 = extra + [f'{name}: {digest(one("user"), one("password"), method, uri, chal)}']
        code, text = leg.send(method, uri, frm, to, call_id, extra2, body, one('max-forwards', '70'))
    out = [str(code) if code else 'none']
    if code and 200 <= code < 300 and method == 'INVITE':
        remote_to = header(text, 'to')
        route = header(text, 'record-route')
        target = header(text, 'contact').strip('<>').split('>')[0]
        rset = [f'Route: {route}'] if route else []
        leg.send('ACK', target, frm, remote_to, call_id, rset, cseq=leg.cseq)
        if 'watch-bye' in opt:
            ended = watch_bye(leg, float(one('hold', '0')))
            if ended is not None:
                print(' '.join(out + ['bye@%.1f' % ended]), flush=True)
                return 0
        else:
            time.sleep(float(one('hold', '0')))
        if one('then'):
            m, u = one('then').split(' ', 1)
            extra3 = rset + ([f'Refer-To: <{u}>'] if m == 'REFER' else [])
            ruri = target if m == 'REFER' else u
            c2, _ = leg.send(m, ruri, frm, remote_to, call_id, extra3, SDP if m in ('INVITE', 'UPDATE') else '')
            out.append(str(c2) if c2 else 'none')
        leg.send('BYE', target, frm, remote_to, call_id, rset)
    print(' '.join(out), flush=True)
    return 0


def watch_bye(leg, seconds):
    """Waits up to `seconds` for a BYE of the call; answers it 200 and returns when it came."""
    start = time.time()
    end = start + seconds
    while time.time() < end:
        leg.sock.settimeout(max(0.05, end - time.time()))
        try:
            data, addr = leg.sock.recvfrom(65535)
        except socket.timeout:
            break
        text = data.decode(errors='replace')
        if not text.startswith('BYE '):
            continue
        keep = [l for l in text.split('\r\n\r\n')[0].split('\r\n')[1:]
                if l.split(':')[0].strip().lower() in ('via', 'from', 'to', 'call-id', 'cseq')]
        leg.sock.sendto(('SIP/2.0 200 OK\r\n' + '\r\n'.join(keep) + '\r\nContent-Length: 0\r\n\r\n').encode(), addr)
        return time.time() - start
    leg.sock.settimeout(4)
    return None


def serve(sock, seconds, answer):
    end = time.time() + seconds
    while time.time() < end:
        sock.settimeout(max(0.1, end - time.time()))
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        text = data.decode(errors='replace')
        if text.startswith('SIP/2.0'):
            continue
        line = text.split('\r\n', 1)[0]
        method, ruri = line.split(' ')[0], line.split(' ')[1] if ' ' in line else ''
        print('GOT', method, ruri, flush=True)
        if method == 'INVITE':  # who the caller is said to be
            print('CALLER from=%s pai=%s' % (header(text, 'from'), header(text, 'p-asserted-identity') or '-'),
                  flush=True)
        if method == 'ACK':
            continue
        code = answer(method)
        keep = [l for l in text.split('\r\n\r\n')[0].split('\r\n')[1:]
                if l.split(':')[0].strip().lower() in ('via', 'from', 'to', 'call-id', 'cseq', 'record-route')]
        ip, port = sock.getsockname()
        tag = '' if code >= 300 or ';tag=' in header(text, 'to') else ';tag=u%d' % port
        keep = [l + tag if l.lower().startswith('to:') else l for l in keep]
        body = SDP if code == 200 and method == 'INVITE' else ''
        reply = (f'SIP/2.0 {code} {"OK" if code == 200 else "Busy Here"}\r\n' + '\r\n'.join(keep) +
                 f'\r\nContact: <sip:u@{ip}:{port}>\r\n' +
                 ('Content-Type: application/sdp\r\n' if body else '') +
                 f'Content-Length: {len(body)}\r\n\r\n{body}')
        sock.sendto(reply.encode(), addr)


def cmd_listen(pos, opt):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(hostport(pos[1]))
    invite = int(opt.get('answer', ['486'])[-1])
    serve(sock, float(pos[2]), lambda m: invite if m == 'INVITE' else 200)
    return 0


def cmd_uas(pos, opt):
    server, (ip, port), user, password, seconds = pos[1], hostport(pos[2]), pos[3], pos[4], float(pos[5])
    leg = Leg(server, ip, port)
    aor = f'sip:{user}@{server}'
    frm, to, cid = f'<{aor}>;tag=r{port}', f'<{aor}>', '%08x@fraud-uas' % random.getrandbits(32)
    extra = [f'Expires: 600']
    code, text = leg.send('REGISTER', f'sip:{server}', frm, to, cid, extra)
    if code == 401:
        extra.append('Authorization: ' + digest(user, password, 'REGISTER', f'sip:{server}',
                                                header(text, 'WWW-Authenticate')))
        code, text = leg.send('REGISTER', f'sip:{server}', frm, to, cid, extra)
    print('REGISTERED', code, flush=True)
    serve(leg.sock, seconds, lambda m: 200)
    return 0


if __name__ == '__main__':
    pos, opt = opts(sys.argv[1:])
    sys.exit({'send': cmd_send, 'listen': cmd_listen, 'uas': cmd_uas}[pos[0]](pos, opt))
