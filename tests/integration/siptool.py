#!/usr/bin/env python3
"""A tiny SIP user agent over UDP for vce's integration tests (loopback only).

  siptool.py register SERVER USER PASSWORD CONTACT_PORT [--instance URN] [--expires N] [--port P]
  siptool.py message SERVER USER PASSWORD TO BODY [--port P] [--uri REQUEST-URI]
  siptool.py options SERVER [--count N]   N requests back to back, a code per line
  siptool.py raw SERVER FILE            send FILE's bytes as one datagram, print the reply line
  siptool.py listen PORT SECONDS [--save DIR]
                                        answer MESSAGE with 200, print "GOT <body>" per message;
                                        DIR/N.body gets the N-th body as it came
  siptool.py hostile PORT MODE SECONDS  a broken registrar: REGISTER answered per MODE (no-contact,
                                        expires-0, expires-huge, wrong-callid, wrong-cseq,
                                        challenge-loop, stale-loop, redirect, garbage, silent),
                                        OPTIONS with 200; prints "REGISTER n" per request
  siptool.py guess SERVER USER COUNT [--rate R] [--responses FILE]
                                        password guessing: COUNT REGISTERs for USER with wrong
                                        passwords, R per second (default 20); a line per attempt:
                                        "401+challenge>403" (challenged, the guess refused) or
                                        "403" (refused at once, no challenge); FILE gets the
                                        digest responses sent (to look for them in logs)
  siptool.py probe SERVER METHOD NUMBER [--user U --password P] [--nonce N] [--sdp FILE]
                                        METHOD (REGISTER, INVITE, MESSAGE, OPTIONS, SUBSCRIBE) to
                                        NUMBER; with U/P a challenge is answered with them; with N
                                        credentials on nonce N are sent at once. Prints the final
                                        answer, every header, with what differs by request or by
                                        chance (NUMBER, tags, nonces, branch, Call-ID, ports)
                                        written as placeholders; --sdp: FILE is the INVITE's
                                        body (application/sdp)
Every command takes --bind IP (the source address, default 127.0.0.1).
Prints the final status line's code; exit 0 when a final response arrived.
"""
import hashlib, random, re, socket, sys, time

def parse_args(argv):
    pos, opt = [], {}
    i = 0
    while i < len(argv):
        if argv[i].startswith('--'):
            opt[argv[i][2:]] = argv[i + 1]; i += 2
        else:
            pos.append(argv[i]); i += 1
    return pos, opt

def hostport(s):
    h, p = s.rsplit(':', 1)
    return h, int(p)

class UA:
    def __init__(self, server, port=0, bind='127.0.0.1'):
        self.server = hostport(server)
        self.domain = server
        self.ip = bind
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((bind, port))
        self.sock.settimeout(5)
        self.port = self.sock.getsockname()[1]
        self.call_id = '%08x@siptool' % random.getrandbits(32)
        self.cseq = 0

    def request(self, method, uri, to, extra, body=b''):
        self.cseq += 1
        branch = 'z9hG4bK%08x' % random.getrandbits(32)
        self.branch = branch
        head = (f'{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {self.ip}:{self.port};rport;branch={branch}\r\n'
                f'Max-Forwards: 70\r\nFrom: <{self.from_uri}>;tag=t{self.port}\r\nTo: <{to}>\r\n'
                f'Call-ID: {self.call_id}\r\nCSeq: {self.cseq} {method}\r\n')
        for h in extra:
            head += h + '\r\n'
        head += f'Content-Length: {len(body)}\r\n\r\n'
        self.sock.sendto(head.encode() + body, self.server)
        while True:
            data, _ = self.sock.recvfrom(65535)
            text = data.decode(errors='replace')
            code = int(text.split(' ', 2)[1])
            if code >= 200:
                return code, text

    def ack(self, uri, to, text):
        """ACK for a non-2xx final answer to our INVITE (same branch, the To tag answered)."""
        to_hdr = next((l.split(':', 1)[1].strip() for l in text.split('\r\n')
                       if l.lower().startswith(('to:', 't:'))), f'<{to}>')
        head = (f'ACK {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {self.ip}:{self.port};rport;branch={self.branch}\r\n'
                f'Max-Forwards: 70\r\nFrom: <{self.from_uri}>;tag=t{self.port}\r\nTo: {to_hdr}\r\n'
                f'Call-ID: {self.call_id}\r\nCSeq: {self.cseq} ACK\r\nContent-Length: 0\r\n\r\n')
        self.sock.sendto(head.encode(), self.server)

    def authorization(self, method, uri, user, password, realm, nonce):
        ha1 = hashlib.md5(f'{user}:{realm}:{password}'.encode()).hexdigest()
        ha2 = hashlib.md5(f'{method}:{uri}'.encode()).hexdigest()
        cnonce, nc = '%08x' % random.getrandbits(32), '00000001'
        self.response = hashlib.md5(f'{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}'.encode()).hexdigest()
        return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
                f'response="{self.response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"')

    def with_auth(self, method, uri, to, extra, user, password, body=b''):
        code, text = self.request(method, uri, to, extra, body)
        self.challenge = code if code in (401, 407) else None
        if code not in (401, 407):
            return code, text
        if method == 'INVITE':
            self.ack(uri, to, text)
        hdr = 'WWW-Authenticate' if code == 401 else 'Proxy-Authenticate'
        chal = [l for l in text.split('\r\n') if l.lower().startswith(hdr.lower() + ':')][0]
        params = {}
        for part in chal.split(' ', 2)[2].split(','):
            k, v = part.strip().split('=', 1)
            params[k] = v.strip('"')
        auth = self.authorization(method, uri, user, password, params['realm'], params['nonce'])
        name = 'Authorization' if code == 401 else 'Proxy-Authorization'
        return self.request(method, uri, to, extra + [f'{name}: {auth}'], body)

def challenged(text):
    return any(l.lower().startswith(('www-authenticate:', 'proxy-authenticate:')) for l in text.split('\r\n'))

def guess(ua, user, count, rate, responses):
    """Wrong passwords for USER, `rate` attempts a second; a line per attempt."""
    ua.from_uri = f'sip:{user}@{ua.domain}'
    uri, extra = f'sip:{ua.domain}', [f'Contact: <sip:{user}@{ua.ip}:{ua.port}>', 'Expires: 60']
    start = time.time()
    for i in range(count):
        time.sleep(max(0, start + i / rate - time.time()))
        code, text = ua.with_auth('REGISTER', uri, ua.from_uri, extra, user, 'guess-%d' % i)
        line = f'{ua.challenge}+challenge>{code}' if ua.challenge else str(code)
        print(line + ('+challenge' if challenged(text) else ''), flush=True)
        if responses and ua.challenge:
            responses.write(ua.response + '\n')

def probe(ua, method, number, user, password, nonce, sdp=None):
    """The final answer to METHOD for NUMBER, normalised so answers can be compared."""
    ua.from_uri = f'sip:probe@{ua.domain}'
    target = f'sip:{number}@{ua.domain}'
    uri = f'sip:{ua.domain}' if method == 'REGISTER' else target
    extra = {'REGISTER': [f'Contact: <sip:{number}@{ua.ip}:{ua.port}>', 'Expires: 60'],
             'MESSAGE': ['Content-Type: text/plain'],
             'SUBSCRIBE': ['Event: presence', 'Expires: 60', f'Contact: <sip:probe@{ua.ip}:{ua.port}>'],
             'INVITE': [f'Contact: <sip:probe@{ua.ip}:{ua.port}>']}.get(method, [])
    body = b'hello' if method == 'MESSAGE' else b''
    if sdp:
        extra, body = extra + ['Content-Type: application/sdp'], open(sdp, 'rb').read()
    if nonce:
        name = 'Proxy-Authorization' if method in ('INVITE', 'MESSAGE') else 'Authorization'
        auth = ua.authorization(method, uri, user, password, 'vce.local', nonce)
        code, text = ua.request(method, uri, target, extra + [f'{name}: {auth}'], body)
    elif user:
        code, text = ua.with_auth(method, uri, target, extra, user, password, body)
    else:
        code, text = ua.request(method, uri, target, extra, body)
    if method == 'INVITE' and code >= 300:
        ua.ack(uri, target, text)
    head = text.split('\r\n\r\n', 1)[0]
    for old, new in ((number, 'NUMBER'), (user or '\0', 'USER'), (ua.call_id, 'CALL-ID'),
                     (ua.branch, 'BRANCH'), (ua.ip, 'IP'), (str(ua.port), 'PORT')):
        head = head.replace(old, new)
    head = re.sub(r'nonce="[^"]*"', 'nonce="NONCE"', head)
    head = re.sub(r'tag=[^;,\s]+', 'tag=TAG', head)
    print(head.replace('\r\n', '\n'))
    return code

def requests(port, seconds):
    """The SIP requests arriving on 127.0.0.1:PORT for SECONDS: (socket, source, head lines, body)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', port))
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            break
        text = data.decode(errors='replace')
        if text.startswith('SIP/2.0'):
            continue
        head, _, body = text.partition('\r\n\r\n')
        yield s, addr, head.split('\r\n'), body

def hostile(port, mode, seconds):
    n = 0
    for s, addr, lines, _ in requests(port, seconds):
        hdr = lambda name: next((l for l in lines[1:] if l.split(':')[0].strip().lower() == name), '')
        keep = [l for l in lines[1:] if l.split(':')[0].strip().lower() in ('via', 'from', 'to', 'call-id', 'cseq')]
        contact = hdr('contact').split(':', 1)[1].strip() if hdr('contact') else '<sip:x@127.0.0.1>'
        head = 'SIP/2.0 200 OK'
        extra = []
        if lines[0].startswith('REGISTER'):
            n += 1
            print('REGISTER', n, flush=True)
            if mode == 'silent':
                continue
            if mode == 'garbage':
                s.sendto(bytes(random.getrandbits(8) for _ in range(300)), addr)
                s.sendto(b'SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n', addr)
                continue
            if mode == 'expires-0':
                extra = [f'Contact: {contact};expires=0']
            elif mode == 'expires-huge':
                extra = [f'Contact: {contact};expires=4294967296']
            elif mode in ('wrong-callid', 'wrong-cseq'):
                extra = [f'Contact: {contact};expires=60']
                if mode == 'wrong-callid':
                    keep = [l if not l.lower().startswith('call-id') else 'Call-ID: forged@elsewhere' for l in keep]
                else:
                    keep = [l if not l.lower().startswith('cseq') else 'CSeq: 9999 REGISTER' for l in keep]
            elif mode in ('challenge-loop', 'stale-loop'):
                head = 'SIP/2.0 401 Unauthorized'
                extra = [f'WWW-Authenticate: Digest realm="hostile", nonce="{random.getrandbits(64):x}", '
                         f'algorithm=MD5, qop="auth"' + (', stale=true' if mode == 'stale-loop' else '')]
            elif mode == 'redirect':
                head = 'SIP/2.0 302 Moved Temporarily'
                extra = ['Contact: <sip:evil@198.51.100.1>']
            # no-contact: a 200 and nothing else
        reply = head + '\r\n' + '\r\n'.join(keep + extra) + '\r\nContent-Length: 0\r\n\r\n'
        s.sendto(reply.encode(), addr)
    return 0

def main():
    pos, opt = parse_args(sys.argv[1:])
    cmd = pos[0]
    if cmd == 'hostile':
        return hostile(int(pos[1]), pos[2], float(pos[3]))
    if cmd == 'listen':
        saved = 0
        for s, addr, lines, body in requests(int(pos[1]), float(pos[2])):
            keep = [l for l in lines[1:] if l.split(':')[0].lower() in ('via', 'from', 'to', 'call-id', 'cseq', 'v', 'f', 't', 'i')]
            reply = 'SIP/2.0 200 OK\r\n' + '\r\n'.join(keep) + '\r\nContent-Length: 0\r\n\r\n'
            s.sendto(reply.encode(), addr)
            if lines[0].startswith('MESSAGE'):
                if 'save' in opt:
                    saved += 1
                    with open(f"{opt['save']}/{saved}.body", 'wb') as f:
                        f.write(body.encode(errors='surrogateescape'))
                print('GOT', body, flush=True)
        return 0
    ua = UA(pos[1], int(opt.get('port', 0)), opt.get('bind', '127.0.0.1'))
    if cmd == 'guess':
        out = open(opt['responses'], 'a') if 'responses' in opt else None
        guess(ua, pos[2], int(pos[3]), float(opt.get('rate', 20)), out)
        return 0
    if cmd == 'probe':
        probe(ua, pos[2], pos[3], opt.get('user'), opt.get('password', ''), opt.get('nonce'),
              opt.get('sdp'))
        return 0
    if cmd == 'register':
        user, pw, cport = pos[2], pos[3], pos[4]
        ua.from_uri = f'sip:{user}@{ua.domain}'
        contact = f'<sip:{user}@127.0.0.1:{cport}>'
        if 'instance' in opt:
            contact += f';+sip.instance="<{opt["instance"]}>"'
        code, _ = ua.with_auth('REGISTER', f'sip:{ua.domain}', ua.from_uri,
                               [f'Contact: {contact}', f'Expires: {opt.get("expires", "3600")}'], user, pw)
    elif cmd == 'message':
        user, pw, to, body = pos[2], pos[3], pos[4], pos[5].encode()
        ua.from_uri = f'sip:{user}@{ua.domain}'
        uri = opt.get('uri', f'sip:{to}@{ua.domain}')
        code, _ = ua.with_auth('MESSAGE', uri, uri, ['Content-Type: text/plain'], user, pw, body)
    elif cmd == 'options':
        ua.from_uri = f'sip:probe@{ua.domain}'
        for _ in range(int(opt.get('count', 1)) - 1):
            print(ua.request('OPTIONS', f'sip:{ua.domain}', f'sip:{ua.domain}', [])[0], flush=True)
        code, _ = ua.request('OPTIONS', f'sip:{ua.domain}', f'sip:{ua.domain}', [])
    elif cmd == 'raw':
        ua.sock.sendto(open(pos[2], 'rb').read(), ua.server)
        try:
            data, _ = ua.sock.recvfrom(65535)
            code = int(data.decode(errors='replace').split(' ', 2)[1])
        except socket.timeout:
            print('no answer'); return 1
    print(code)
    return 0

if __name__ == '__main__':
    try:
        sys.exit(main())
    except socket.timeout:
        print('timeout'); sys.exit(1)
