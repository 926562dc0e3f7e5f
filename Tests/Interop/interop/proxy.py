"""A TCP proxy on 127.0.0.1 in front of one server, for moving a client that has no way to
drop its own connection (the C and Java clients) to another server: put a proxy in front
of each of two servers, give the client both proxies as its connect string, then cut()
the proxy it is connected through; it refuses connections from then on, so the client
reconnects through the other one."""
import socket
import threading


class Proxy:
    def __init__(self, server, port=0):
        """Listens on `port` (0: a free one); a proxy cut can be replaced by a new one on
        its port, as a network that comes back."""
        self.server = server  # (host, port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.sockets = []
        self.accepted = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def active(self):
        """How many client connections are open through the proxy."""
        with self.lock:
            return len(self.sockets) // 2

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.server, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.closed:
                    client.close()
                    upstream.close()
                    return
                self.accepted += 1
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        self._drop(source, sink)

    def _drop(self, *socks):
        with self.lock:
            for sock in socks:
                if sock in self.sockets:
                    self.sockets.remove(sock)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self):
        """Stop listening (new connections are refused) and close every connection."""
        with self.lock:
            self.closed = True
            socks = list(self.sockets)
        try:
            self.listener.close()
        except OSError:
            pass
        self._drop(*socks)

    close = cut
