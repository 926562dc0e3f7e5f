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

from daemons import master_with_agent

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Cluster"))
import schedulers  # noqa: E402


@pytest.fixture(scope="module")
def master():
    with master_with_agent(agent_args=["--allow-root-tasks", "--authenticate-http-executors"]) as address:
        yield address


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
