"""Raw HTTP/1.1 over sockets, for requests that http.client will not send (half
requests, bodies the server refuses early, a stream that is never read)."""
import re
import select
import socket
import time


def parse_head(data):
    """(status, {lower-case header: value}, rest) from bytes holding a whole head."""
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def read_response(sock, timeout=10.0):
    """Reads one response whose body has a Content-Length (or ends with the connection).
    Returns (status, headers, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before a response head: %r" % data)
        data += chunk
    status, headers, body = parse_head(data)
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(body) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    elif headers.get("transfer-encoding", "").lower() != "chunked":
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
        except OSError:
            pass
    return status, headers, body


def send_large(port, head, body_size, timeout=15.0):
    """Sends head and then body_size bytes, but stops writing as soon as the server
    answers (or stops reading); returns (status, headers, body, bytes_sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(head)
        sock.setblocking(False)
        block = b"x" * 65536
        sent = 0
        deadline = time.monotonic() + timeout
        while sent < body_size:
            if time.monotonic() > deadline:
                raise TimeoutError("server neither read the body nor answered in %.0fs" % timeout)
            r, w, _ = select.select([sock], [sock], [], 1.0)
            if r:
                break
            if w:
                try:
                    sent += sock.send(block[:min(len(block), body_size - sent)])
                except (BrokenPipeError, ConnectionResetError):
                    break
        sock.setblocking(True)
        try:
            status, headers, body = read_response(sock, timeout)
        except ConnectionResetError:
            raise AssertionError("connection reset without an answer after %d body bytes" % sent)
        return status, headers, body, sent
    finally:
        sock.close()


def request_head(method, path, headers, body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    lines += ["%s: %s" % kv for kv in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def exchange(port, raw, timeout=10.0):
    """Sends raw bytes and reads one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        return read_response(sock, timeout)
