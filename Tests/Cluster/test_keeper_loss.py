"""A leading master cut off from every Keeper server steps down after --zk-session-timeout.

Keeper expires a session it has not heard from for the session timeout, and another master
may then be elected; the cut-off master hears of the expiry only once it reaches a server
again, so it must stop leading on its own (Mesos' master exits). One extra master, alone
under its own path of the session's Keeper ensemble, reaches Keeper through a TCP proxy
that the test closes and reopens."""
import os
import shutil
import socket
import tempfile
import threading
import time

import pytest

from cluster import Daemon, free_ports, figure, http_get, wait_until

SESSION_TIMEOUT = 2.0


class Proxy:
    """Forwards 127.0.0.1:port to a Keeper server; `close()` drops every connection and
    refuses new ones until `open()`."""

    def __init__(self, port, upstream):
        self.port, self.upstream = port, upstream
        self.refusing = False
        self.sockets = []
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass

    def close(self):
        self.refusing = True
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets = []

    def open(self):
        self.refusing = False

    def stop(self):
        self.close()
        self.listener.close()


@pytest.fixture()
def proxied_master(cluster):
    proxy_port, master_port = free_ports(2)
    proxy = Proxy(proxy_port, ("127.0.0.1", cluster.keeper_ports[0]))
    workdir = tempfile.mkdtemp(prefix="corral-keeper-loss-")
    master = Daemon("master-behind-proxy",
                    [cluster.binary, "master", "--zk", "zk://127.0.0.1:%d/mesos-keeper-loss" % proxy_port,
                     "--port", str(master_port), "--work-dir", workdir,
                     "--zk-session-timeout", str(SESSION_TIMEOUT)],
                    os.path.join(workdir, "master.log")).start()
    try:
        yield master, master_port, proxy
    finally:
        master.signal(15)
        try:
            master.proc.wait(timeout=15)
        except Exception:
            master.signal(9)
        proxy.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_master_without_keeper_stops_leading(proxied_master):
    master, port, proxy = proxied_master

    def status():
        return http_get(port, "/master/state", timeout=3).status

    wait_until(lambda: status() == 200, 30, "the master to lead")
    cut_at = time.monotonic()
    proxy.close()
    wait_until(lambda: status() != 200, 3 * SESSION_TIMEOUT + 5, "the master to stop leading")
    stopped = time.monotonic() - cut_at
    figure("leader cut off from Keeper (--zk-session-timeout %.0f s): stopped leading %.2f s later"
           % (SESSION_TIMEOUT, stopped))
    assert stopped >= SESSION_TIMEOUT * 0.9, stopped
    assert status() in (307, 503)
    proxy.open()
    wait_until(lambda: status() == 200, 30, "the master to lead again once Keeper is back")
    master.check_alive()
