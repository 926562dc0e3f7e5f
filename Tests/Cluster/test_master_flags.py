"""`corral master --allocator priority --roles … --weights …` as an operator runs it: a
master of its own (no Keeper: a plain HOST:PORT master) and one agent. With strict
priority the role listed first is offered the agent before a role whose name sorts first
(DRF's tie-break between equal shares would pick that one); /master/roles shows the
weights given."""
import os
import threading
import time

from cluster import Daemon, figure, free_ports, http_get, wait_until
from schedulers import Framework


class FirstOffers:
    """Records which framework heard each offer, in order, and declines it for an hour so
    that the next offer goes elsewhere."""

    def __init__(self, name, seen, lock):
        self.name, self.seen, self.lock = name, seen, lock

    def __call__(self, driver, offers):
        for offer in offers:
            with self.lock:
                self.seen.append((self.name, offer["agent_id"]["value"]))
            driver.declineOffer(offer["id"], {"refuse_seconds": 3600})


def test_strict_priority_and_weights_from_the_flags(cluster):
    master_port, agent_port = free_ports(2)
    work = os.path.join(cluster.workdir, "flags")
    os.makedirs(os.path.join(work, "agent"), exist_ok=True)
    master = Daemon("flags-master", [cluster.binary, "master", "--port", str(master_port), "--work-dir", work,
                                     "--allocator", "priority", "--roles", "zeta,alpha",
                                     "--weights", "alpha=2.5,zeta=1"],
                    os.path.join(work, "master.log")).start()
    agent = None
    frameworks = []
    try:
        address = "127.0.0.1:%d" % master_port
        wait_until(lambda: http_get(master_port, "/health", timeout=2).status == 200, 30, "the master to answer")
        seen, lock = [], threading.Lock()
        for name, role in (("fw-alpha", "alpha"), ("fw-zeta", "zeta")):
            fw = Framework(address, name, offer_handler=FirstOffers(name, seen, lock), roles=[role])
            fw.start()
            frameworks.append(fw)
        roles = {r["name"]: r for r in http_get(master_port, "/master/roles").json()["roles"]}
        assert roles["alpha"]["weight"] == 2.5 and roles["zeta"]["weight"] == 1.0, roles
        started = time.monotonic()
        agent = Daemon("flags-agent", [cluster.binary, "agent", "--master", address, "--port", str(agent_port), "--allow-root-tasks",
                                       "--work-dir", os.path.join(work, "agent"),
                                       "--resources", "cpus:1;mem:256"],
                       os.path.join(work, "agent.log")).start()

        def both_offered():
            with lock:
                return len(seen) >= 2 and list(seen)
        order = wait_until(both_offered, 30, "the agent offered to both roles")
        assert [name for name, _ in order[:2]] == ["fw-zeta", "fw-alpha"], order
        figure("strict priority from --roles zeta,alpha: the agent went to zeta, then alpha, in %.1fs"
               % (time.monotonic() - started))
    finally:
        for fw in frameworks:
            fw.stop()
        for d in (agent, master):
            if d is not None and d.alive():
                d.signal(15)
                d.proc.wait(15)
