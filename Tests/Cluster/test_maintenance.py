"""The operator maintains agents with `corral cluster deactivate|reactivate|drain|mark-gone`.

A cluster of its own (3 keepers, one master, two agents) and a partition-aware pymesos
framework: a deactivated agent is offered nothing while its task runs on; reactivated, it
is offered again; drained, its task ends TASK_KILLED with REASON_AGENT_DRAINING and the
agent shows DRAINED; an agent marked gone has its task reported TASK_GONE_BY_OPERATOR, its
process killed, the registry in Keeper holds it as GONE, and the agent exits."""
import json
import os
import signal
import subprocess

import pytest
from kazoo.client import KazooClient

from cluster import http_get, own_cluster, process_alive, tail, wait_until
from schedulers import Framework, command_task, new_id, sleeper_task


@pytest.fixture()
def two_agents(cluster):
    with own_cluster(cluster.binary, "maintenance", masters=1, agent_resources=(
            "cpus:2;mem:1024;disk:1000;ports:[31301-31350]",
            "cpus:2;mem:1024;disk:1000;ports:[31351-31400]")) as c:
        yield c


def corral(c, *args):
    out = subprocess.run([c.binary, "cluster", *args, "--master", c.zk_url],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, (args, out.returncode, out.stdout, out.stderr)
    return out.stdout


def slave(c, agent_id):
    slaves = http_get(c.leader.port, "/master/slaves", timeout=3).json()["slaves"]
    return next((s for s in slaves if s["id"] == agent_id), None)


def registry_entry(c, agent_id):
    zk = KazooClient(c.zk_hosts, timeout=10)
    zk.start(timeout=15)
    try:
        return json.loads(zk.get("/mesos/registry/agents/" + agent_id)[0])
    finally:
        zk.stop()
        zk.close()


def test_deactivate_reactivate_drain_and_mark_gone(two_agents, tmp_path):
    c = two_agents
    fw = Framework(c.leader.address, new_id("e2e-maintenance"), partition_aware=True)
    first = new_id("maintained")
    pid_file = tmp_path / "first.pid"
    fw.launcher.add(sleeper_task(first, pid_file))
    fw.start()
    try:
        fw.wait_state(first, "TASK_RUNNING", 60)
        agent_a = fw.launcher.launched[first][0]
        agent_b = next(s["id"] for s in http_get(c.leader.port, "/master/slaves").json()["slaves"]
                       if s["id"] != agent_a)

        out = corral(c, "deactivate", agent_a)
        assert "deactivated" in out, out
        assert slave(c, agent_a)["deactivated"] is True
        assert registry_entry(c, agent_a)["deactivated"] is True
        table = corral(c, "agents")
        assert "deactivated" in table, table
        # Tasks launched now all go to the other agent.
        later = [new_id("elsewhere") for _ in range(3)]
        for tid in later:
            fw.launcher.add(command_task(tid, "sleep 600", mem=32))
        for tid in later:
            fw.wait_state(tid, "TASK_RUNNING", 60)
        assert {fw.launcher.launched[tid][0] for tid in later} == {agent_b}
        assert fw.states(first)[-1] == "TASK_RUNNING"

        corral(c, "reactivate", agent_a)
        assert slave(c, agent_a)["deactivated"] is False
        again = new_id("back-on-a")
        fw.launcher.add(command_task(again, "sleep 600", mem=960))
        fw.wait_state(again, "TASK_RUNNING", 60)
        assert fw.launcher.launched[again][0] == agent_a

        out = corral(c, "drain", agent_a, "--grace", "1s")
        assert "draining" in out, out
        for tid in (first, again):
            killed = fw.wait_state(tid, "TASK_KILLED", 30)
            assert killed.get("reason") == "REASON_AGENT_DRAINING", killed
        wait_until(lambda: (slave(c, agent_a).get("drain_info") or {}).get("state") == "DRAINED", 30,
                   "the drained agent to show DRAINED")
        assert registry_entry(c, agent_a)["drain"]["state"] == "DRAINED"
        assert not process_alive(int(pid_file.read_text()))

        corral(c, "mark-gone", agent_b)
        for tid in later:
            gone = fw.wait_state(tid, "TASK_GONE_BY_OPERATOR", 30)
            assert gone.get("reason") == "REASON_AGENT_REMOVED_BY_OPERATOR", gone
        assert slave(c, agent_b) is None
        assert registry_entry(c, agent_b)["state"] == "GONE"
        b = next(a for a in c.agents if a.port not in {s["port"] for s in
                                                       http_get(c.leader.port, "/master/slaves").json()["slaves"]})
        # The gone agent kills its tasks and exits, as Mesos' agent does.
        assert b.daemon.proc.wait(timeout=30) == 0, tail(b.daemon.log_path)
        assert not cgroup_processes(c), cgroup_processes(c)
        # Marking it again is answered at once; deactivating it is refused.
        corral(c, "mark-gone", agent_b)
        out = subprocess.run([c.binary, "cluster", "deactivate", agent_b, "--master", c.zk_url],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode != 0 and "400" in out.stderr, (out.returncode, out.stderr)

        # An agent marked gone while it was down, started again on its work dir, is refused
        # (403) and leaves instead of asking again for ever, as Mesos' agent does on the
        # master's ShutdownMessage.
        a = next(x for x in c.agents if x is not b)
        a.daemon.signal(signal.SIGKILL)
        a.daemon.proc.wait(timeout=10)
        corral(c, "mark-gone", agent_a)
        a.daemon.start()
        assert a.daemon.proc.wait(timeout=30) == 0, tail(a.daemon.log_path)
        assert "refuses this agent for good" in open(a.daemon.log_path).read(), tail(a.daemon.log_path)
    finally:
        fw.stop()


def cgroup_processes(c):
    """Processes still in the cluster's container cgroups."""
    found = []
    for directory in c.cgroup_dirs():
        try:
            with open(os.path.join(directory, "cgroup.procs")) as f:
                found += [(directory, line.strip()) for line in f if line.strip()]
        except FileNotFoundError:
            pass
    return found
