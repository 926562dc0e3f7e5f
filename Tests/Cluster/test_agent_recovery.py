"""An agent stopped or killed and started again on its work dir takes back what it ran.

A cluster of its own (3 keepers, one master, one agent with cgroups of its own). A
framework that checkpoints runs two tasks, one that does not runs a third; each task
writes its pid. Then:

- SIGTERM: the agent stops and every task keeps running; started again, it registers as
  the same agent, the checkpointing framework's tasks are still RUNNING with the same
  processes, and the other framework's process is killed and its task reported lost, as
  Mesos does.
- SIGKILL, and one checkpointing task's process killed while the agent is down: started
  again, the agent takes back the live task (same pid, and a kill through the framework
  still reaches it: TASK_KILLED) and reports the dead one TASK_FAILED with
  REASON_EXECUTOR_TERMINATED."""
import os
import signal
import time

import pytest

from cluster import figure, http_get, own_cluster, process_alive, wait_until
from schedulers import Framework, command_task, new_id, sleeper_task


@pytest.fixture()
def small_cluster(cluster):
    with own_cluster(cluster.binary, "recovery", masters=1,
                     agent_resources=("cpus:2;mem:1024;disk:1000;ports:[31301-31400]",)) as c:
        yield c


def registered_agent(master, port):
    slaves = http_get(master.port, "/master/slaves", timeout=3).json()["slaves"]
    return next((s["id"] for s in slaves if s["port"] == port and s.get("active")), None)


def task_state(master, tid):
    tasks = http_get(master.port, "/master/tasks", timeout=3).json()["tasks"]
    return next((t["state"] for t in tasks if t["id"] == tid), None)


def restart(agent, master, agent_id):
    started = time.monotonic()
    agent.daemon.start()
    wait_until(lambda: registered_agent(master, agent.port) == agent_id, 30,
               "the agent to register again as %s" % agent_id)
    return time.monotonic() - started


def test_an_agent_restarted_on_its_work_dir_takes_back_its_tasks(small_cluster, tmp_path):
    master = small_cluster.leader
    agent = small_cluster.agents[0]
    keeps = Framework(master.address, new_id("e2e-checkpointing"), checkpoint=True)
    plain = Framework(master.address, new_id("e2e-not-checkpointing"))
    tasks = {}
    for fw, name in ((keeps, "lives"), (keeps, "dies"), (plain, "plain")):
        tid = new_id("recovery-" + name)
        pid_file = tmp_path / (name + ".pid")
        fw.launcher.add(sleeper_task(tid, pid_file))
        tasks[name] = (fw, tid, pid_file)
    keeps.start()
    plain.start()
    try:
        for fw, tid, _ in tasks.values():
            fw.wait_state(tid, "TASK_RUNNING", 60)
        wait_until(lambda: all(p.exists() and p.read_text().strip() for _, _, p in tasks.values()), 10, "pid files")
        pids = {name: int(p.read_text()) for name, (_, _, p) in tasks.items()}
        agent_id = registered_agent(master, agent.port)
        assert agent_id, "the agent is not registered"

        # SIGTERM: the agent stops, every task runs on; started again, it takes back the
        # checkpointing framework's tasks and kills the other's.
        agent.daemon.signal(signal.SIGTERM)
        agent.daemon.proc.wait(timeout=20)
        assert all(process_alive(pid) for pid in pids.values()), pids
        took = restart(agent, master, agent_id)
        figure("agent SIGTERMed and started again: registered as the same agent %.2f s later" % took)
        lost = plain.wait_state(tasks["plain"][1], {"TASK_LOST", "TASK_DROPPED", "TASK_GONE"}, 30)
        wait_until(lambda: not process_alive(pids["plain"]), 10,
                   "the process of the framework that does not checkpoint to be killed")
        for name in ("lives", "dies"):
            fw, tid, _ = tasks[name]
            assert task_state(master, tid) == "TASK_RUNNING"
            assert process_alive(pids[name]), name
            assert [u["state"] for u in fw.updates_for(tid)][-1] == "TASK_RUNNING", fw.updates_for(tid)

        # SIGKILL, and a task's process dies while the agent is down.
        agent.daemon.signal(signal.SIGKILL)
        agent.daemon.proc.wait(timeout=10)
        os.kill(pids["dies"], signal.SIGKILL)
        wait_until(lambda: not process_alive(pids["dies"]), 5, "the task's process to die")
        took = restart(agent, master, agent_id)
        figure("agent SIGKILLed and started again: registered as the same agent %.2f s later" % took)

        failed = keeps.wait_state(tasks["dies"][1], "TASK_FAILED", 30)
        assert failed["reason"] == "REASON_EXECUTOR_TERMINATED", failed
        assert process_alive(pids["lives"])
        assert task_state(master, tasks["lives"][1]) == "TASK_RUNNING"
        figure("agent restarts: the live task kept pid %d; the one whose process died TASK_FAILED (%s); the "
               "non-checkpointing framework's task %s and its process killed"
               % (pids["lives"], failed["reason"], lost["state"]))

        # The taken-back task is still under the agent's control.
        keeps.driver.killTask({"value": tasks["lives"][1]})
        keeps.wait_state(tasks["lives"][1], "TASK_KILLED", 30)
        wait_until(lambda: not process_alive(pids["lives"]), 10, "the killed task's process to end")
    finally:
        keeps.stop()
        plain.stop()


def test_tasks_taken_back_end_with_their_own_status(small_cluster, tmp_path):
    """A task taken back after a restart and ending later is reported as it ended
    (TASK_FINISHED for status 0, TASK_FAILED with its status otherwise), as Mesos' command
    executor, which outlives the agent, reports it: the agent reads the status its
    container's wait shim (`corral container-wait`) wrote."""
    master = small_cluster.leader
    agent = small_cluster.agents[0]
    fw = Framework(master.address, new_id("e2e-taken-back"), checkpoint=True)
    go = tmp_path / "go"
    tasks = {}
    for name, status in (("succeeds", 0), ("fails", 3)):
        tid = new_id("taken-back-" + name)
        fw.launcher.add(command_task(
            tid, "echo $$ > %s; while [ ! -e %s ]; do sleep 0.05; done; exit %d" % (tmp_path / name, go, status)))
        tasks[name] = tid
    with fw:
        for tid in tasks.values():
            fw.wait_state(tid, "TASK_RUNNING", 60)
        agent_id = registered_agent(master, agent.port)
        agent.daemon.signal(signal.SIGKILL)
        agent.daemon.proc.wait(timeout=10)
        restart(agent, master, agent_id)
        assert all(task_state(master, tid) == "TASK_RUNNING" for tid in tasks.values())
        go.write_text("")
        finished = fw.wait_state(tasks["succeeds"], {"TASK_FINISHED", "TASK_FAILED"}, 30)
        failed = fw.wait_state(tasks["fails"], {"TASK_FINISHED", "TASK_FAILED"}, 30)
        assert finished["state"] == "TASK_FINISHED", finished
        assert failed["state"] == "TASK_FAILED" and "status 3" in failed.get("message", ""), failed
        assert failed.get("reason") != "REASON_EXECUTOR_TERMINATED", failed
