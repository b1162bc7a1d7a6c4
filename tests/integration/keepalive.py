#!/usr/bin/env python3
"""RFC 5626 keepalives against vced over one TCP or TLS connection (loopback only).

  keepalive.py tcp|tls SERVER [--ca FILE] [--close]
    connects to SERVER (IP:PORT) over TCP or TLS (TLS 1.2 or later, the server checked against
    the CA FILE), sends a double-CRLF ping and prints "PONG" when a single CRLF comes back within
    2 s, else "NO PONG"; then sends an OPTIONS over the same connection and prints its final
    status ("OPTIONS 200"), or "OPTIONS none" when the connection gave no answer within 5 s.
Exit 0 when the OPTIONS was answered.
"""
import random, socket, ssl, sys


def main(argv):
    proto, server = argv[1], argv[2]
    ca = argv[argv.index('--ca') + 1] if '--ca' in argv else None
    host, port = server.rsplit(':', 1)
    sock = socket.create_connection((host, int(port)), timeout=5)
    if proto == 'tls':
        ctx = ssl.create_default_context(cafile=ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        sock = ctx.wrap_socket(sock, server_hostname=host)
    sock.sendall(b'\r\n\r\n')
    sock.settimeout(2)
    try:
        got = sock.recv(16)
    except socket.timeout:
        got = b''
    print('PONG' if got == b'\r\n' else 'NO PONG', flush=True)
    local = '%s:%d' % sock.getsockname()[:2]
    branch = 'z9hG4bK%08x' % random.getrandbits(32)
    tr = proto.upper()
    req = (f'OPTIONS sip:{server} SIP/2.0\r\nVia: SIP/2.0/{tr} {local};rport;branch={branch}\r\n'
           f'Max-Forwards: 70\r\nFrom: <sip:ping@{local}>;tag=k{random.getrandbits(24)}\r\n'
           f'To: <sip:{server}>\r\nCall-ID: {random.getrandbits(48):x}@keepalive\r\n'
           f'CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n')
    sock.sendall(req.encode())
    sock.settimeout(5)
    data = b''
    try:
        while b'\r\n\r\n' not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    line = data.lstrip(b'\r\n').split(b'\r\n', 1)[0].decode(errors='replace')
    if line.startswith('SIP/2.0 '):
        print('OPTIONS ' + line.split(' ')[1])
        return 0
    print('OPTIONS none')
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
