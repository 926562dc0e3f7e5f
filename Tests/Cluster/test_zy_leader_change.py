"""Runs after the other suites and before the teardown test (file order): the leading
master is killed; the standby must take over and both agents must register with it again
(through their Keeper detector), and a framework must then get offers from it. The killed
master is started again and stands by, so the cluster is whole for the last test."""
import signal
import time

from cluster import figure, http_get, wait_until
from schedulers import Framework, command_task, new_id


def test_agents_register_with_the_new_leader(cluster):
    old = cluster.leader
    other = next(m for m in cluster.masters if m is not old)
    killed_at = time.monotonic()
    old.daemon.signal(signal.SIGKILL)
    old.daemon.proc.wait(timeout=10)

    def agents_back():
        r = http_get(other.port, "/master/slaves", timeout=3)
        if r.status != 200:
            return False
        ports = {s["port"] for s in r.json()["slaves"] if s.get("active")}
        return all(a.port in ports for a in cluster.agents)

    wait_until(agents_back, 60, "both agents registered with the new leader")
    figure("leader SIGKILLed: both agents registered with the new leader %.2f s later"
           % (time.monotonic() - killed_at))

    fw = Framework(other.address, new_id("e2e-after-failover"))
    tid = new_id("after-failover")
    fw.launcher.add(command_task(tid, "true", mem=32))
    fw.start()
    try:
        fw.wait_state(tid, "TASK_FINISHED", 60)
    finally:
        fw.stop()

    old.daemon.start()
    wait_until(lambda: http_get(old.port, "/master/state", timeout=3).status == 307, 60,
               "the restarted master to stand by")
