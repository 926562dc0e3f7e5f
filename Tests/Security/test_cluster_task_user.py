"""Tasks run as the user they name (Mesos' --switch_user, on by default): pymesos launches
on an agent run as root without --allow-root-tasks; a task naming 'nobody' runs as nobody in
a sandbox it owns, and one left to the framework's user (root, here) fails to launch with
the agent's reason."""
import os
import sys

import pytest

from daemons import master_with_agent

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
import schedulers  # noqa: E402


@pytest.fixture(scope="module")
def master():
    with master_with_agent() as address:
        yield address


def task(task_id, script, user=None):
    command = {"value": script, "shell": True}
    if user:
        command["user"] = user
    return schedulers.TaskSpec(task_id, 0.1, 32, 0, name=task_id, command=command)


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs an agent run as root")
def test_a_task_runs_as_its_user_and_root_needs_the_agents_consent(master):
    with schedulers.Framework(master, "task-users") as framework:
        assert framework.info.user == "root"
        check = 'test "$(id -un)" = nobody && test "$(stat -c %U "$MESOS_SANDBOX")" = nobody && touch "$MESOS_SANDBOX/mine"'
        framework.launcher.add(task("as-nobody", check, user="nobody"))
        framework.launcher.add(task("as-root", "true"))
        framework.wait_terminal(["as-nobody", "as-root"], timeout=60)
        assert framework.last("as-nobody")["state"] == "TASK_FINISHED", framework.updates_for("as-nobody")
        failed = framework.last("as-root")
        assert failed["state"] == "TASK_FAILED", failed
        assert "tasks may not run as root on this agent" in failed.get("message", ""), failed
        assert "--allow-root-tasks" in failed["message"]
