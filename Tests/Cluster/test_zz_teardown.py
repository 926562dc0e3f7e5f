"""Runs last (file order): leaves a task running in a framework that fails over, so the
session teardown (cluster.Cluster.stop: SIGTERM every daemon) has something to clean
up. Teardown then fails (as an error of this test) if any process is left in an
agent's session or any container cgroup is left behind."""
import os

from cluster import wait_until
from schedulers import Framework, command_task, new_id


def test_running_task_at_shutdown(cluster):
    fw = Framework(cluster.leader.address, new_id("e2e-left-running"), failover_timeout=3600)
    tid = new_id("long-sleeper")
    fw.launcher.add(command_task(tid, "sleep 300", mem=32))
    fw.start()
    try:
        running = fw.wait_state(tid, "TASK_RUNNING", 60)
        agent = cluster.agent_by_id(running["agent_id"]["value"])
        root = cluster.cgroup_roots[cluster.agents.index(agent)]

        def container_cgroups():
            found = []
            for controller in ("memory", "cpu"):
                top = os.path.join("/sys/fs/cgroup", controller, root)
                for dirpath, _, files in os.walk(top):
                    if dirpath != top and "cgroup.procs" in files:
                        with open(os.path.join(dirpath, "cgroup.procs")) as f:
                            if f.read().split():
                                found.append(dirpath)
            return found
        found = wait_until(container_cgroups, 10, "the task's container cgroup with processes in it")
        print("container cgroups of the running task:", found)
        assert any("/memory/" in p for p in found) and any("/cpu/" in p for p in found), found
    finally:
        fw.stop(failover=True)  # no TEARDOWN: the task keeps running into the teardown
