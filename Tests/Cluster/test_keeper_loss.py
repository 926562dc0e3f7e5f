"""A leading master cut off from every Keeper server steps down after --zk-session-timeout.

Keeper expires a session it has not heard from for the session timeout, and another master
may then be elected; the cut-off master hears of the expiry only once it reaches a server
again, so it must stop leading on its own (Mesos' master exits). One extra master, alone
under its own path of the session's Keeper ensemble, reaches Keeper through a TCP proxy
(Tests/Interop's) that the test cuts, then replaces on the same port."""
import os
import shutil
import sys
import tempfile
import time

import pytest

from cluster import Daemon, figure, free_ports, http_get, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Interop"))
from interop.proxy import Proxy  # noqa: E402

SESSION_TIMEOUT = 2.0


@pytest.fixture()
def proxied_master(cluster):
    (master_port,) = free_ports(1)
    proxy = Proxy(("127.0.0.1", cluster.keeper_ports[0]))
    proxy_port = proxy.port
    proxies = [proxy]  # the test adds the one it opens when Keeper comes back
    workdir = tempfile.mkdtemp(prefix="corral-keeper-loss-")
    master = Daemon("master-behind-proxy",
                    [cluster.binary, "master", "--zk", "zk://127.0.0.1:%d/mesos-keeper-loss" % proxy_port,
                     "--port", str(master_port), "--work-dir", workdir,
                     "--zk-session-timeout", str(SESSION_TIMEOUT)],
                    os.path.join(workdir, "master.log")).start()
    try:
        yield master, master_port, proxies
    finally:
        master.signal(15)
        try:
            master.proc.wait(timeout=15)
        except Exception:
            master.signal(9)
        for p in proxies:
            p.cut()
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_master_without_keeper_stops_leading(proxied_master):
    master, port, proxies = proxied_master
    proxy = proxies[0]

    def status():
        return http_get(port, "/master/state", timeout=3).status

    wait_until(lambda: status() == 200, 30, "the master to lead")
    cut_at = time.monotonic()
    proxy.cut()
    wait_until(lambda: status() != 200, 3 * SESSION_TIMEOUT + 5, "the master to stop leading")
    stopped = time.monotonic() - cut_at
    figure("leader cut off from Keeper (--zk-session-timeout %.0f s): stopped leading %.2f s later"
           % (SESSION_TIMEOUT, stopped))
    assert stopped >= SESSION_TIMEOUT * 0.9, stopped
    assert status() in (307, 503)
    proxies.append(Proxy(proxy.server, port=proxy.port))  # Keeper is reachable again
    wait_until(lambda: status() == 200, 30, "the master to lead again once Keeper is back")
    master.check_alive()
