"""An agent the master stops hearing from is marked unreachable, and comes back.

A cluster of its own (3 keepers, one master pinging every 0.5 s and giving up after 4
unanswered pings, one agent) runs a task of a partition-aware framework and one of a
framework that is not. The agent is frozen with SIGSTOP, a partition from the master's
side: the partition-aware framework hears TASK_UNREACHABLE, the other TASK_LOST, and the
registry in Keeper holds the agent as unreachable. Thawed with SIGCONT, the agent
registers again: the partition-aware task is announced RUNNING again
(REASON_AGENT_REREGISTERED) and keeps running, while the task the other framework was told
is lost is killed, as Mesos does."""
import json
import signal
import time

import pytest
from kazoo.client import KazooClient

from cluster import figure, http_get, own_cluster, process_alive, wait_until
from schedulers import Framework, new_id, sleeper_task

PING_TIMEOUT, MAX_PINGS = 0.5, 4


@pytest.fixture()
def small_cluster(cluster):
    """Its own cluster beside the session's (whose masters keep Mesos' 75 s)."""
    def thaw(c):
        for a in c.agents:
            a.daemon.signal(signal.SIGCONT)
    with own_cluster(cluster.binary, "partition", before_stop=thaw, masters=1,
                     agent_resources=("cpus:2;mem:1024;disk:1000;ports:[31201-31300]",),
                     master_flags=["--agent-ping-timeout", str(PING_TIMEOUT),
                                   "--max-agent-ping-timeouts", str(MAX_PINGS)]) as c:
        yield c


def test_a_silent_agent_is_marked_unreachable_and_comes_back(small_cluster, tmp_path):
    master = small_cluster.leader
    agent = small_cluster.agents[0]
    aware = Framework(master.address, new_id("e2e-partition-aware"), partition_aware=True)
    unaware = Framework(master.address, new_id("e2e-not-partition-aware"))
    pids = {}
    for fw, name in ((aware, "aware"), (unaware, "unaware")):
        tid = new_id("partitioned-" + name)
        pid_file = tmp_path / (name + ".pid")
        fw.launcher.add(sleeper_task(tid, pid_file))
        pids[name] = (tid, pid_file)
    aware.start()
    unaware.start()
    try:
        for fw, name in ((aware, "aware"), (unaware, "unaware")):
            fw.wait_state(pids[name][0], "TASK_RUNNING", 60)
        aware_tid, unaware_tid = pids["aware"][0], pids["unaware"][0]
        wait_until(lambda: all(p.exists() and p.read_text().strip() for _, p in pids.values()), 10, "pid files")
        aware_pid = int(pids["aware"][1].read_text())
        unaware_pid = int(pids["unaware"][1].read_text())

        stopped_at = time.monotonic()
        agent.daemon.signal(signal.SIGSTOP)
        unreachable = aware.wait_state(aware_tid, "TASK_UNREACHABLE", 30)
        after = time.monotonic() - stopped_at
        lost = unaware.wait_state(unaware_tid, "TASK_LOST", 10)
        figure("agent SIGSTOPped (ping timeout %.1f s x %d): TASK_UNREACHABLE %.2f s later"
               % (PING_TIMEOUT, MAX_PINGS, after))
        assert after >= PING_TIMEOUT * (MAX_PINGS - 1), after
        assert unreachable["reason"] == "REASON_AGENT_REMOVED", unreachable
        assert unreachable["source"] == "SOURCE_MASTER", unreachable
        assert "unreachable_time" in unreachable, unreachable
        assert lost["reason"] == "REASON_AGENT_REMOVED", lost

        state = http_get(master.port, "/master/state", timeout=3).json()
        assert state["slaves"] == [], state["slaves"]
        frameworks = {f["id"]: f for f in state["frameworks"]}
        assert [t["id"] for t in frameworks[aware.id]["unreachable_tasks"]] == [aware_tid]
        zk = KazooClient(small_cluster.zk_hosts, timeout=10)
        zk.start(timeout=15)
        try:
            children = zk.get_children("/mesos/registry/agents")
            entries = [json.loads(zk.get("/mesos/registry/agents/" + c)[0]) for c in children]
        finally:
            zk.stop()
            zk.close()
        assert [e["state"] for e in entries] == ["UNREACHABLE"], entries

        # Both tasks still run on the frozen agent; thawed, it registers again.
        assert process_alive(aware_pid) and process_alive(unaware_pid)
        resumed_at = time.monotonic()
        agent.daemon.signal(signal.SIGCONT)
        back = aware.wait(lambda s: any(u["task_id"]["value"] == aware_tid and u["state"] == "TASK_RUNNING"
                                        and u.get("reason") == "REASON_AGENT_REREGISTERED" for u in s.updates),
                          30, "the partition-aware task announced RUNNING again")
        assert back
        wait_until(lambda: not process_alive(unaware_pid), 20, "the task reported lost to be killed")
        figure("agent SIGCONTed: registered again and its lost task killed %.2f s later"
               % (time.monotonic() - resumed_at))
        assert process_alive(aware_pid)
        tasks = {t["id"]: t["state"] for t in http_get(master.port, "/master/tasks", timeout=3).json()["tasks"]}
        assert tasks.get(aware_tid) == "TASK_RUNNING", tasks
        state = http_get(master.port, "/master/state", timeout=3).json()
        assert [f["unreachable_tasks"] for f in state["frameworks"] if f["id"] == aware.id] == [[]]
        assert len(state["slaves"]) == 1 and state["slaves"][0]["active"], state["slaves"]
    finally:
        aware.stop()
        unaware.stop()
