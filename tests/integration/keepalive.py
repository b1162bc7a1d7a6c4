#!/usr/bin/env python3
"""A SIP phone on one TCP or TLS connection to vced, for the keepalive and sips: checks.

  keepalive.py ping tcp|tls SERVER [--ca FILE]
    sends a double-CRLF ping and prints "PONG" when a single CRLF comes back within 2 s, else
    "NO PONG"; then an OPTIONS over the same connection: "OPTIONS 200" (or "OPTIONS none").
    Exit 0 when the OPTIONS was answered.
  keepalive.py phone SERVER USER PASSWORD --ca FILE [--answer STATUS] [--seconds N]
    over TLS: REGISTERs sips:USER@SERVER (Request-URI sips:SERVER, Contact a sips: URI) with
    digest credentials and prints "REGISTERED <status>"; then for N seconds (default 10)
    answers every INVITE that comes over the connection with STATUS (default 486) and prints
    "GOT INVITE <Request-URI>".
TLS is 1.2 or later, the server checked against the CA FILE. Loopback only.
"""
import os, random, socket, ssl, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fraud import digest, header  # noqa: E402


def connect(proto, server, ca):
    host, port = server.rsplit(':', 1)
    sock = socket.create_connection((host, int(port)), timeout=5)
    if proto == 'tls':
        ctx = ssl.create_default_context(cafile=ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        sock = ctx.wrap_socket(sock, server_hostname=host)
    return sock


class Stream:
    """SIP messages read off a stream (headers up to CRLF CRLF, then Content-Length bytes)."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b''

    def next(self, timeout):
        end = time.time() + timeout
        while True:
            self.buf = self.buf.lstrip(b'\r\n')
            head_end = self.buf.find(b'\r\n\r\n')
            if head_end >= 0:
                head = self.buf[:head_end].decode(errors='replace')
                length = int(header('x\r\n' + head, 'content-length') or header('x\r\n' + head, 'l') or 0)
                if len(self.buf) >= head_end + 4 + length:
                    self.buf = self.buf[head_end + 4 + length:]
                    return head + '\r\n'
            left = end - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return None
            if not chunk:
                return None
            self.buf += chunk


def request(proto, local, method, uri, to, call_id, cseq, extra):
    branch = 'z9hG4bK%08x' % random.getrandbits(32)
    text = (f'{method} {uri} SIP/2.0\r\nVia: SIP/2.0/{proto.upper()} {local};rport;branch={branch}\r\n'
            f'Max-Forwards: 70\r\nFrom: <{to}>;tag=k{cseq}x{random.getrandbits(20)}\r\nTo: <{to}>\r\n'
            f'Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n')
    for h in extra:
        text += h + '\r\n'
    return (text + 'Content-Length: 0\r\n\r\n').encode()


def ping(argv):
    proto, server = argv[2], argv[3]
    ca = argv[argv.index('--ca') + 1] if '--ca' in argv else None
    sock = connect(proto, server, ca)
    sock.sendall(b'\r\n\r\n')
    sock.settimeout(2)
    try:
        got = sock.recv(16)
    except socket.timeout:
        got = b''
    print('PONG' if got == b'\r\n' else 'NO PONG', flush=True)
    local = '%s:%d' % sock.getsockname()[:2]
    sock.sendall(request(proto, local, 'OPTIONS', f'sip:{server}', f'sip:ping@{server}',
                         f'{random.getrandbits(48):x}@keepalive', 1, []))
    answer = Stream(sock).next(5)
    if answer and answer.startswith('SIP/2.0 '):
        print('OPTIONS ' + answer.split(' ')[1])
        return 0
    print('OPTIONS none')
    return 1


def phone(argv):
    server, user, password = argv[2], argv[3], argv[4]
    opt = lambda k, d: argv[argv.index(k) + 1] if k in argv else d
    sock = connect('tls', server, opt('--ca', None))
    stream = Stream(sock)
    local = '%s:%d' % sock.getsockname()[:2]
    aor, uri = f'sips:{user}@{server}', f'sips:{server}'
    call_id = f'{random.getrandbits(48):x}@keepalive'
    extra = [f'Contact: <sips:{user}@{local}>', 'Expires: 300', 'User-Agent: keepalive.py']
    sock.sendall(request('tls', local, 'REGISTER', uri, aor, call_id, 1, extra))
    answer = stream.next(5) or ''
    if answer.startswith('SIP/2.0 401'):
        auth = digest(user, password, 'REGISTER', uri, header(answer, 'www-authenticate'))
        sock.sendall(request('tls', local, 'REGISTER', uri, aor, call_id, 2, extra + [f'Authorization: {auth}']))
        answer = stream.next(5) or ''
    print('REGISTERED ' + (answer.split(' ')[1] if answer.startswith('SIP/2.0 ') else 'none'), flush=True)
    status = opt('--answer', '486')
    end = time.time() + float(opt('--seconds', '10'))
    while time.time() < end:
        msg = stream.next(end - time.time())
        if not msg or msg.startswith('SIP/2.0'):
            continue
        method, ruri = msg.split(' ')[0], msg.split(' ')[1]
        if method == 'ACK':
            continue
        if method == 'INVITE':
            print('GOT INVITE ' + ruri, flush=True)
        vias = [l for l in msg.split('\r\n') if l.lower().startswith(('via:', 'v:'))]
        keep = [l for l in msg.split('\r\n')[1:]
                if l.split(':', 1)[0].strip().lower() in ('from', 'f', 'call-id', 'i', 'cseq', 'record-route')]
        to = header(msg, 'to') or header(msg, 't')
        code = status if method == 'INVITE' else '200'
        reply = f'SIP/2.0 {code} Answer\r\n' + ''.join(v + '\r\n' for v in vias)
        reply += ''.join(k + '\r\n' for k in keep) + f'To: {to};tag=ph{random.getrandbits(20)}\r\n'
        sock.sendall((reply + 'Content-Length: 0\r\n\r\n').encode())
    return 0


if __name__ == '__main__':
    sys.exit({'ping': ping, 'phone': phone}[sys.argv[1]](sys.argv))
