"""Executor authentication as Mesos' agent does it (--authenticate-http-executors): a
custom executor (Tests/Cluster/executor.py on pymesos' executor driver, sending its token
as Mesos' executor library does) gets MESOS_EXECUTOR_AUTHENTICATION_TOKEN, subscribes and
finishes its task with it; the same calls without the token, with a forged one, or for
another executor are refused."""
import base64
import json
import os
import sys

import pytest

import servers
from daemons import Daemon, curl, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Cluster"))
import schedulers  # noqa: E402


@pytest.fixture(scope="module")
def master():
    master_port, agent_port = servers.free_port(), servers.free_port()
    daemons = [Daemon("master", ["master", "--port", str(master_port)], wait_port=master_port)]
    try:
        daemons.append(Daemon("agent", ["agent", "--master", f"127.0.0.1:{master_port}", "--port", str(agent_port),
                                        "--allow-root-tasks", "--authenticate-http-executors",
                                        "--resources", "cpus:2;mem:1024;disk:1024"], wait_port=agent_port))
        wait_until(lambda: json.loads(curl(f"http://127.0.0.1:{master_port}/master/state").stdout)
                   .get("activated_slaves") == 1, 30, "the agent to register")
        yield f"127.0.0.1:{master_port}"
    finally:
        for daemon in reversed(daemons):
            daemon.stop()


def test_a_custom_executor_speaks_with_its_token_and_only_for_itself(master):
    executor = os.path.join(HERE, "..", "Cluster", "executor.py")
    with schedulers.Framework(master, "token-executor") as framework:
        framework.launcher.add(schedulers.TaskSpec(
            "echo", 0.1, 32, 0, name="echo", data=schedulers.encode_data(b"with a token"),
            executor={"executor_id": {"value": "echo-executor"}, "name": "echo",
                      "command": {"value": f"{sys.executable} {executor}", "shell": True},
                      "resources": [schedulers.scalar("cpus", 0.1), schedulers.scalar("mem", 64)]}))
        last = framework.wait_state("echo", ["TASK_FINISHED", "TASK_FAILED", "TASK_LOST", "TASK_ERROR"], 60)
        assert last["state"] == "TASK_FINISHED", last
        probes = json.loads(base64.b64decode(last["data"]))["probes"]
        assert probes == {"own": 202, "none": 401, "other": 403, "forged": 401}, probes
