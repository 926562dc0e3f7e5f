"""Unmodified pymesos 0.3.15 schedulers (MesosSchedulerDriver) against the cluster."""
import base64
import json
import time
import urllib.parse

import pytest

from cluster import figure, http_get, wait_until
from schedulers import Framework, Launcher, TaskSpec, command_task, new_id, scalar


def check_acknowledged(fw, timeout=10):
    """Every update that carries a uuid was acknowledged (implicitly, by pymesos, right
    after its statusUpdate callback), and every ACKNOWLEDGE got a 2xx answer (pymesos
    raises otherwise)."""
    def all_acked(s):
        acked = set(fw.driver.acks)
        return all((u["task_id"]["value"], u["uuid"]) in acked for u in s.updates if "uuid" in u)
    try:
        fw.wait(all_acked, timeout, "acknowledgements of every update with a uuid")
    except AssertionError:
        pass  # reported below with the details
    for u in fw.scheduler.updates:
        if u.get("reason") == "REASON_RECONCILIATION":
            continue
        # An update from an executor or agent needs acknowledging, so it has a uuid:
        # base64 of exactly 16 bytes (executors decode it as a UUID).
        assert "uuid" in u, "update without uuid: %s" % u
        assert len(base64.b64decode(u["uuid"])) == 16, u
    updates = [u for u in fw.scheduler.updates if "uuid" in u]
    acked = set(fw.driver.acks)
    missing = [(u["task_id"]["value"], u["state"]) for u in updates
               if (u["task_id"]["value"], u["uuid"]) not in acked]
    assert not missing, "updates never acknowledged: %s" % missing
    failed = [c for c in fw.driver.calls if c[1] != "ok"]
    assert not failed, failed


def framework_lists(cluster):
    return http_get(cluster.leader.port, "/master/frameworks").json()


def test_twenty_command_tasks(cluster):
    name = new_id("e2e-twenty")
    fw = Framework(cluster.leader.address, name)
    ids = [new_id("echo-%02d" % i) for i in range(20)]
    fw.launcher.add(*[command_task(t, "echo $MESOS_TASK_ID; exit 0") for t in ids])
    t0 = time.monotonic()
    fw.start()
    try:
        fw.wait_terminal(ids, timeout=90)
        figure("pymesos: 20 command tasks SUBSCRIBE -> all TASK_FINISHED in %.1fs" % (time.monotonic() - t0))
        for t in ids:
            states = fw.states(t)
            assert states == ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"], (t, states)
        check_acknowledged(fw)
        for u in fw.scheduler.updates:
            assert u.get("agent_id", {}).get("value"), u
        fw_id = fw.id
        running = [f["id"] for f in framework_lists(cluster)["frameworks"]]
        assert fw_id in running
    finally:
        fw.stop()
    assert ("TEARDOWN", "ok") in fw.driver.calls, fw.driver.calls

    def completed():
        lists = framework_lists(cluster)
        return (fw_id in [f["id"] for f in lists.get("completed_frameworks", [])]
                and fw_id not in [f["id"] for f in lists["frameworks"]])
    wait_until(completed, 10, "framework %s under completed_frameworks after TEARDOWN" % fw_id)


def test_zk_url(cluster):
    fw = Framework(cluster.zk_url, new_id("e2e-zk"))
    tid = new_id("zk-task")
    fw.launcher.add(command_task(tid, "echo via zk"))
    fw.start()
    try:
        fw.wait_terminal([tid], timeout=60)
        assert fw.states(tid) == ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]
        check_acknowledged(fw)
        assert fw.driver.master == cluster.leader.address
    finally:
        fw.stop()


class GroupLauncher:
    """Launches one task group (a DEFAULT executor and two command tasks) into the first
    offer that fits it, declines everything else."""

    def __init__(self, task_ids):
        self.task_ids = task_ids
        self.executor_id = new_id("group-executor")
        self.done = False
        self.agent_id = None

    def __call__(self, driver, offers):
        for offer in offers:
            if not self.done and offer_fits(offer, cpus=0.3, mem=96):
                agent = offer["agent_id"]["value"]
                executor = {
                    "type": "DEFAULT",
                    "executor_id": {"value": self.executor_id},
                    "framework_id": {"value": driver.framework_id},
                    "resources": [scalar("cpus", 0.1), scalar("mem", 32)],
                }
                tasks = [{
                    "name": t, "task_id": {"value": t}, "agent_id": {"value": agent},
                    "resources": [scalar("cpus", 0.1), scalar("mem", 32)],
                    "command": {"value": "echo group member $MESOS_TASK_ID", "shell": True},
                } for t in self.task_ids]
                driver.acceptOffers([offer["id"]], [{
                    "type": "LAUNCH_GROUP",
                    "launch_group": {"executor": executor, "task_group": {"tasks": tasks}},
                }], {"refuse_seconds": 1})
                self.done = True
                self.agent_id = agent
            else:
                driver.declineOffer(offer["id"], {"refuse_seconds": 1})


def offer_fits(offer, cpus, mem):
    from schedulers import offer_scalar
    return offer_scalar(offer, "cpus") >= cpus - 1e-9 and offer_scalar(offer, "mem") >= mem


def test_task_group(cluster):
    ids = [new_id("group-a"), new_id("group-b")]
    launcher = GroupLauncher(ids)
    fw = Framework(cluster.leader.address, new_id("e2e-group"), offer_handler=launcher)
    fw.start()
    try:
        fw.wait_terminal(ids, timeout=60)
        for t in ids:
            assert fw.last(t)["state"] == "TASK_FINISHED", (t, fw.states(t))
            assert fw.states(t)[-2:] == ["TASK_RUNNING", "TASK_FINISHED"], fw.states(t)
            assert fw.last(t).get("executor_id", {}).get("value") in (None, launcher.executor_id)
        check_acknowledged(fw)
    finally:
        fw.stop()


def test_kill_and_reconcile(cluster):
    fw = Framework(cluster.leader.address, new_id("e2e-kill"))
    tid = new_id("sleeper")
    fw.launcher.add(command_task(tid, "sleep 60"))
    fw.start()
    try:
        fw.wait_state(tid, "TASK_RUNNING", 60)
        t0 = time.monotonic()
        fw.driver.killTask({"value": tid})
        killed = fw.wait_state(tid, "TASK_KILLED", 30)
        print("TASK_KILLED %.1fs after KILL: %s" % (time.monotonic() - t0, killed))
        assert fw.states(tid)[-1] == "TASK_KILLED", fw.states(tid)
        # A running task to reconcile as well, and then the killed one.
        other = new_id("sleeper2")
        fw.launcher.add(command_task(other, "sleep 60"))
        fw.driver.reviveOffers()
        fw.wait_state(other, "TASK_RUNNING", 60)

        n = len(fw.scheduler.updates)
        fw.driver.reconcileTasks([])
        implicit = fw.wait(
            lambda s: [u for u in s.updates[n:] if u.get("reason") == "REASON_RECONCILIATION"
                       and u["task_id"]["value"] == other], 15, "implicit reconciliation of %s" % other)
        for u in implicit:
            assert u["state"] == "TASK_RUNNING", u
            assert "uuid" not in u, "reconciliation answers carry no uuid: %s" % u
            assert u.get("source") == "SOURCE_MASTER", u

        n = len(fw.scheduler.updates)
        fw.driver.reconcileTasks([{"task_id": {"value": tid}}, {"task_id": {"value": other}}])
        explicit = fw.wait(
            lambda s: (lambda got: got if {u["task_id"]["value"] for u in got} >= {tid, other} else None)(
                [u for u in s.updates[n:] if u.get("reason") == "REASON_RECONCILIATION"]),
            15, "explicit reconciliation of both tasks")
        print("explicit:", [(u["task_id"]["value"], u["state"]) for u in explicit])
        states = {u["task_id"]["value"]: u["state"] for u in explicit}
        assert states[other] == "TASK_RUNNING"
        # The killed task's TASK_KILLED was acknowledged, so the master has forgotten it:
        # Mesos answers TASK_LOST for an unknown task of a framework that is not
        # PARTITION_AWARE (docs/reconciliation.md; TASK_UNKNOWN if it were).
        assert states[tid] == "TASK_LOST", explicit
        for u in explicit:
            assert "uuid" not in u, u
            assert u.get("source") == "SOURCE_MASTER", u
        fw.driver.killTask({"value": other})
        fw.wait_state(other, "TASK_KILLED", 30)
        check_acknowledged(fw)
    finally:
        fw.stop()


def test_memory_limit(cluster):
    fw = Framework(cluster.leader.address, new_id("e2e-oom"))
    tid = new_id("hog")
    fw.launcher.add(command_task(
        tid, "python3 -c 'b=bytearray(200*1024*1024); import time; time.sleep(5)'", mem=64))
    fw.start()
    try:
        last = fw.wait_state(tid, ["TASK_FAILED", "TASK_FINISHED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR"], 60)
        print("memory hog ended:", last)
        assert last["state"] == "TASK_FAILED", last
        assert last.get("reason") == "REASON_CONTAINER_LIMITATION_MEMORY", last
    finally:
        fw.stop()


def sandbox_of(agent, framework_id, task_id):
    state = agent.state()
    for fkey, ekey in (("frameworks", "executors"), ("frameworks", "completed_executors"),
                       ("completed_frameworks", "executors"),
                       ("completed_frameworks", "completed_executors")):
        for f in state.get(fkey, []):
            if f["id"] != framework_id:
                continue
            for e in f.get(ekey, []):
                tasks = [t for k in ("tasks", "completed_tasks", "queued_tasks") for t in e.get(k, [])]
                if e.get("id") == task_id or any(t.get("id") == task_id for t in tasks):
                    return e["directory"]
    return None


def files_read(agent, path):
    return http_get(agent.port, "/files/read?" + urllib.parse.urlencode({"path": path, "offset": 0}))


def test_ports_and_sandbox_files(cluster):
    fw = Framework(cluster.leader.address, new_id("e2e-ports"))
    tid = new_id("ports")
    spec = command_task(tid, 'ln -s /etc/passwd "$MESOS_SANDBOX/leak"; '
                             'echo "PORT0=$PORT0"; echo "PORTS=$PORTS"; sleep 30', ports=2)
    fw.launcher.add(spec)
    fw.start()
    try:
        running = fw.wait_state(tid, "TASK_RUNNING", 60)
        agent = cluster.agent_by_id(running["agent_id"]["value"])
        directory = wait_until(lambda: sandbox_of(agent, fw.id, tid), 10,
                               "the task's executor in the agent's /state")
        print("ports", spec.assigned_ports, "sandbox", directory)

        def stdout_lines():
            r = files_read(agent, directory + "/stdout")
            assert r.status == 200, r
            text = r.json()["data"]
            return text if "PORTS=" in text else None
        text = wait_until(stdout_lines, 15, "PORT0/PORTS in the sandbox's stdout")
        env = dict(l.split("=", 1) for l in text.splitlines() if l.startswith("PORT"))
        assert env["PORT0"] == str(spec.assigned_ports[0]), (env, spec.assigned_ports)
        assert [int(p) for p in env["PORTS"].split(",")] == spec.assigned_ports, env

        answers = []
        # Outside every sandbox: a file, the same file through "..", a directory above
        # the sandbox, a symlink the task made in its sandbox pointing out of it, a
        # directory and a missing file (refusing must not depend on whether the path
        # exists or what it is, or the endpoint tells what exists on the host).
        for bad in ("/etc/passwd", directory + "/.." * 20 + "/etc/passwd",
                    directory + "/../../..", directory + "/leak", "/etc", "/no/such/file"):
            r = files_read(agent, bad)
            print("read %s -> %d %s" % (bad, r.status, r.body.decode(errors="replace")))
            answers.append((bad, r.status, r.body[:160]))
        for bad, status, body in answers:
            assert b"root:" not in body, (bad, body)
        # A missing file may say 404 (Mesos does for any path it does not serve).
        wrong = [(bad, status, body) for bad, status, body in answers
                 if status != 403 and not (bad == "/no/such/file" and status == 404)]
        assert not wrong, "paths outside the sandbox must be refused with 403: %s" % wrong
        fw.driver.killTask({"value": tid})
        fw.wait_state(tid, "TASK_KILLED", 30)
    finally:
        fw.stop()
