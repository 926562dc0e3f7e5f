"""An agent's own endpoints behind Mesos' agent flags (--http-credentials with
--authenticate-http-readonly and --authenticate-http-readwrite): curl is refused without the
principal's credentials and answered with them; health and version stay open; tasks still
launch and their executors still reach the agent."""
import json
import os
import subprocess

import pytest

from daemons import CORRAL, curl, master_with_agent


def status_of(*args):
    return curl("-o", "/dev/null", "-w", "%{http_code}", *args).stdout


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    files = str(tmp_path_factory.mktemp("agent-auth"))
    credentials = os.path.join(files, "http.json")
    with open(credentials, "w") as f:
        json.dump({"credentials": [{"principal": "ops", "secret": "ops-secret"}]}, f)
    agent_args = ["--allow-root-tasks", "--isolation", "none", "--http-credentials", credentials,
                  "--authenticate-http-readonly", "--authenticate-http-readwrite"]
    with master_with_agent(agent_args=agent_args) as master:
        state = json.loads(curl(f"http://{master}/master/state").stdout)
        yield {"master": master, "agent": state["slaves"][0]["pid"].split("@")[1]}


def test_reads_and_operator_calls_need_the_principal(agent):
    base = f"http://{agent['agent']}"
    for path in ["/state", "/slave(1)/state", "/files/browse?path=/", "/metrics/snapshot", "//state"]:
        answer = curl("-i", f"{base}{path}")
        assert " 401" in answer.stdout.splitlines()[0], (path, answer.stdout[:200])
        assert 'WWW-Authenticate: Basic realm="mesos"' in answer.stdout, path
    assert status_of("-u", "ops:wrong", f"{base}/state") == "401"
    state = json.loads(curl("-u", "ops:ops-secret", f"{base}/state").stdout)
    assert state["id"], state
    operator = ["-H", "Content-Type: application/json", "-d", '{"type": "GET_STATE"}', f"{base}/api/v1"]
    assert status_of(*operator) == "401"
    assert status_of("-u", "ops:ops-secret", *operator) == "200"
    assert status_of(f"{base}/health") == "200"
    assert status_of(f"{base}/version") == "200"


def test_tasks_still_run(agent):
    run = subprocess.run([CORRAL, "execute", "--master", agent["master"], "--name", "agent-auth", "--command", "true",
                          "--resources", "cpus:0.1;mem:16"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run
    assert "TASK_FINISHED" in run.stdout + run.stderr, run
