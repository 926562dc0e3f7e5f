"""Authorisation as Mesos does it (`--acls`, Mesos' JSON), with pymesos and curl: a
framework refused a role it may not register in, a task asking to run as a user its
principal may not use ending TASK_ERROR (REASON_TASK_UNAUTHORIZED) while another runs,
views and the operator's event stream leaving out what a principal may not see, and the
operator's TEARDOWN and agent actions refused to principals the ACLs do not name."""
import json
import os
import subprocess
import sys
import time

import pytest

from daemons import curl, master_with_agent, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
import schedulers  # noqa: E402

CREDENTIALS = {"credentials": [{"principal": p, "secret": p + "-secret"} for p in ("ops", "analytics", "web")]}
ACLS = {
    "register_frameworks": [
        {"principals": {"values": ["analytics"]}, "roles": {"values": ["analytics"]}},
        {"principals": {"type": "NONE"}, "roles": {"values": ["analytics"]}},
    ],
    "run_tasks": [
        {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
        {"principals": {"type": "NONE"}, "users": {"values": ["root"]}},
    ],
    "view_tasks": [
        {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
        {"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}},
        {"principals": {"type": "NONE"}, "users": {"type": "ANY"}},
    ],
    "teardown_frameworks": [
        {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}},
        {"principals": {"type": "NONE"}, "framework_principals": {"type": "ANY"}},
    ],
    "mark_agents_gone": [
        {"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}},
        {"principals": {"type": "NONE"}, "agents": {"type": "ANY"}},
    ],
}


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    files = tmp_path_factory.mktemp("acls")
    (files / "credentials.json").write_text(json.dumps(CREDENTIALS))
    (files / "acls.json").write_text(json.dumps(ACLS))
    master_args = ["--credentials", str(files / "credentials.json"), "--acls", f"file://{files / 'acls.json'}",
                   "--authenticate-frameworks"]
    with master_with_agent(master_args, ["--allow-root-tasks", "--isolation", "none"]) as address:
        yield address


def test_a_framework_is_refused_a_role_its_principal_may_not_register_in(master):
    refused = schedulers.Framework(master, "acl-intruder", roles=["analytics"], principal="web", secret="web-secret")
    try:
        with pytest.raises(AssertionError, match="403"):
            refused.start(timeout=5)
    finally:
        refused.stop()
        schedulers.DRIVER_FAILURES.clear()
    with schedulers.Framework(master, "acl-analytics", roles=["analytics"], principal="analytics",
                              secret="analytics-secret") as allowed:
        assert allowed.scheduler.framework_id


def test_a_task_asking_for_a_forbidden_user_gets_task_error(master):
    with schedulers.Framework(master, "acl-tasks", principal="web", secret="web-secret") as framework:
        for task_id, user in (("as-root", "root"), ("as-nobody", "nobody")):
            framework.launcher.add(schedulers.TaskSpec(task_id, 0.1, 32, 0, name=task_id, command={
                "value": "true", "shell": True, "user": user}))
        framework.wait_terminal(["as-root"], timeout=30)
        last = framework.last("as-root")
        assert last["state"] == "TASK_ERROR" and last["reason"] == "REASON_TASK_UNAUTHORIZED", last
        assert "may not run tasks as user 'root'" in last["message"], last
        framework.wait_state("as-nobody", ["TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED"], timeout=30)
        tasks = json.loads(curl("-u", "web:web-secret", f"http://{master}/master/tasks").stdout)["tasks"]
        assert {t["id"] for t in tasks} >= {"as-nobody"}, tasks
        hidden = json.loads(curl("-u", "analytics:analytics-secret", f"http://{master}/master/state").stdout)
        seen = {t["id"] for f in hidden["frameworks"] for t in f["tasks"] + f.get("completed_tasks", [])}
        assert "as-root" not in seen
        everything = json.loads(curl("-u", "ops:ops-secret", f"http://{master}/master/state").stdout)
        assert any(f["name"] == "acl-tasks" for f in everything["frameworks"])


def test_the_operator_teardown_and_agent_actions_need_a_principal_the_acls_name(master):
    framework = schedulers.Framework(master, "acl-teardown", principal="web", secret="web-secret").start()
    try:
        framework_id = framework.scheduler.framework_id
        call = json.dumps({"type": "TEARDOWN", "teardown": {"framework_id": {"value": framework_id}}})
        headers = ["-H", "Content-Type: application/json", "-d", call, f"http://{master}/api/v1"]
        refused = curl("-w", "%{http_code}", "-u", "analytics:analytics-secret", *headers)
        assert refused.stdout.endswith("403") and "teardown_frameworks" in refused.stdout, refused
        allowed = curl("-w", "%{http_code}", "-u", "ops:ops-secret", *headers)
        assert allowed.stdout.endswith("200"), allowed
        wait_until(lambda: not any(f["id"] == framework_id for f in json.loads(
            curl("-u", "ops:ops-secret", f"http://{master}/master/frameworks").stdout)["frameworks"]), 10,
            "the framework to be torn down")
    finally:
        # pymesos subscribes again with the removed id and is refused ('Framework has been
        # removed'): that failure of its IO thread is this test's, not the next one's.
        framework.stop()
        schedulers.DRIVER_FAILURES.clear()
    gone = json.dumps({"type": "MARK_AGENT_GONE", "mark_agent_gone": {"agent_id": {"value": "no-such-agent"}}})
    refused = curl("-w", "%{http_code}", "-H", "Content-Type: application/json", "-d", gone, f"http://{master}/api/v1")
    assert refused.stdout.endswith("403") and "mark_agents_gone" in refused.stdout, refused


def test_the_operator_stream_leaves_out_tasks_a_principal_may_not_view(master):
    subscribe = json.dumps({"type": "SUBSCRIBE"})
    streams = {}
    for principal in ("analytics", "ops"):
        streams[principal] = subprocess.Popen(
            ["curl", "-sS", "-N", "--max-time", "12", "-u", f"{principal}:{principal}-secret", "-H",
             "Content-Type: application/json", "-d", subscribe, f"http://{master}/api/v1"],
            stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    with schedulers.Framework(master, "acl-stream", principal="web", secret="web-secret") as framework:
        for task_id, user in (("stream-daemon", "daemon"), ("stream-nobody", "nobody")):
            framework.launcher.add(schedulers.TaskSpec(task_id, 0.1, 32, 0, name=task_id, command={
                "value": "true", "shell": True, "user": user}))
        framework.wait_terminal(["stream-daemon", "stream-nobody"], timeout=30)
    seen = {principal: stream.communicate(timeout=30)[0] for principal, stream in streams.items()}
    assert '"TASK_ADDED"' in seen["analytics"], seen["analytics"][-500:]
    assert "stream-nobody" in seen["analytics"]
    assert "stream-daemon" not in seen["analytics"]
    assert "stream-daemon" in seen["ops"] and "stream-nobody" in seen["ops"]
