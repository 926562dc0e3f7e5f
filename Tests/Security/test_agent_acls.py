"""An agent's own --acls (Mesos' agent authorization), with the file the master is given too:
a principal sees on the agent only the frameworks, executors and tasks view_* let it see, in
/state and the v1 operator API; GET_CONTAINERS follows view_containers; the sandbox files
follow access_sandboxes by the user the executor runs as; /metrics follows get_endpoints."""
import json
import os
import sys

import pytest

from daemons import curl, master_with_agent

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
import schedulers  # noqa: E402



def only_nobody(*principals):
    return [{"principals": {"values": list(principals)}, "users": {"values": ["nobody"]}},
            {"principals": {"values": list(principals)}, "users": {"type": "NONE"}}]


# 'dev' may see and read what runs as nobody and nothing else, nor the metrics; 'viewer'
# may see everything but read only nobody's sandboxes; 'ops' may do everything (permissive).
ACLS = {
    "view_executors": only_nobody("dev"),
    "view_tasks": only_nobody("dev"),
    "view_containers": only_nobody("dev"),
    "access_sandboxes": only_nobody("dev", "viewer"),
    "get_endpoints": [{"principals": {"values": ["dev"]}, "paths": {"type": "NONE"}}],
    # The master's own, in the same file: the agent leaves it to the masters.
    "teardown_frameworks": [{"principals": {"type": "ANY"}, "framework_principals": {"type": "ANY"}}],
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    files = str(tmp_path_factory.mktemp("agent-acls"))
    credentials = os.path.join(files, "http.json")
    with open(credentials, "w") as f:
        json.dump({"credentials": [{"principal": "ops", "secret": "ops-secret"},
                                   {"principal": "dev", "secret": "dev-secret"},
                                   {"principal": "viewer", "secret": "viewer-secret"}]}, f)
    acls = os.path.join(files, "acls.json")
    with open(acls, "w") as f:
        json.dump(ACLS, f)
    agent_args = ["--isolation", "none", "--http-credentials", credentials, "--authenticate-http-readonly",
                  "--authenticate-http-readwrite", "--acls", acls]
    with master_with_agent(master_args=["--acls", acls], agent_args=agent_args) as master:
        state = json.loads(curl(f"http://{master}/master/state").stdout)
        agent = state["slaves"][0]["pid"].split("@")[1]
        with schedulers.Framework(master, "agent-acls") as framework:
            for task_id, user in [("as-nobody", "nobody"), ("as-daemon", "daemon")]:
                framework.launcher.add(schedulers.TaskSpec(
                    task_id, 0.1, 32, 0, name=task_id,
                    command={"value": "echo hello from $(id -un); sleep 120", "shell": True, "user": user}))
            for task_id in ["as-nobody", "as-daemon"]:
                framework.wait_state(task_id, "TASK_RUNNING", timeout=60)
            yield {"master": master, "agent": f"http://{agent}", "framework": framework}


def get(cluster, who, path):
    return curl("-u", f"{who}:{who}-secret", "-w", "\n%{http_code}", f"{cluster['agent']}{path}")


def answer(cluster, who, path):
    body, _, status = get(cluster, who, path).stdout.rpartition("\n")
    return int(status), body


def operator(cluster, who, call):
    run = curl("-u", f"{who}:{who}-secret", "-H", "Content-Type: application/json", "-d", json.dumps({"type": call}),
               f"{cluster['agent']}/api/v1")
    return json.loads(run.stdout)


def state_tasks(state):
    return sorted(task["id"] for framework in state["frameworks"] for executor in framework["executors"]
                  for task in executor["tasks"])


def test_state_and_operator_views_follow_view_acls(cluster):
    status, body = answer(cluster, "ops", "/state")
    assert status == 200 and state_tasks(json.loads(body)) == ["as-daemon", "as-nobody"], body[:300]
    status, body = answer(cluster, "dev", "/state")
    assert status == 200 and state_tasks(json.loads(body)) == ["as-nobody"], body[:300]
    for who, expected in [("ops", ["as-daemon", "as-nobody"]), ("dev", ["as-nobody"])]:
        tasks = operator(cluster, who, "GET_TASKS")["get_tasks"]["launched_tasks"]
        assert sorted(t["task_id"]["value"] for t in tasks) == expected, (who, tasks)
        executors = operator(cluster, who, "GET_EXECUTORS")["get_executors"]["executors"]
        assert sorted(e["executor_info"]["executor_id"]["value"] for e in executors) == expected, (who, executors)
        containers = operator(cluster, who, "GET_CONTAINERS")["get_containers"]["containers"]
        assert sorted(c["executor_id"]["value"] for c in containers) == expected, (who, containers)


def sandbox_of(cluster, task_id):
    state = json.loads(answer(cluster, "ops", "/state")[1])
    for framework in state["frameworks"]:
        for executor in framework["executors"]:
            if executor["id"] == task_id:
                return executor["directory"]
    raise AssertionError(f"no sandbox for {task_id}")


def test_sandboxes_follow_access_sandboxes(cluster):
    for task_id, user in [("as-nobody", "nobody"), ("as-daemon", "daemon")]:
        path = f"/files/read?path={sandbox_of(cluster, task_id)}/stdout&offset=0"
        status, body = answer(cluster, "ops", path)
        assert status == 200 and f"hello from {user}" in json.loads(body)["data"], body
        status, body = answer(cluster, "dev", path)
        if user == "nobody":
            assert status == 200 and "hello from nobody" in json.loads(body)["data"], body
        else:
            assert status == 403, body
            assert "Principal 'dev' is not authorized to access sandboxes 'daemon'" in body, body
            assert "the agent's --acls: access_sandboxes" in body, body
        status, _ = answer(cluster, "dev", f"/files/browse?path={sandbox_of(cluster, task_id)}")
        assert status == (200 if user == "nobody" else 403), task_id


def test_metrics_follow_get_endpoints(cluster):
    assert answer(cluster, "ops", "/metrics")[0] == 200
    status, body = answer(cluster, "dev", "/metrics")
    assert status == 403 and "get_endpoints" in body, body
    assert answer(cluster, "dev", "//metrics")[0] == 403


def test_the_web_ui_signs_in_to_the_agent_and_follows_its_acls(cluster):
    """Headless Chromium on the master's UI: the agent answers the page 401, the sandbox view
    asks for credentials, and with viewer's it shows nobody's stdout and daemon's refusal."""
    from browser import new_driver, text_of, wait_for
    from selenium.webdriver.common.by import By

    driver = new_driver()
    try:
        framework = cluster["framework"].id
        driver.get(f"http://{cluster['master']}/#/tasks/{framework}/as-nobody")
        wait_for(driver, lambda d: d.find_elements(By.ID, "signin"), "the sandbox view to ask for credentials")
        assert cluster["agent"].split("//")[1] in text_of(driver, "signin"), text_of(driver, "signin")
        assert "needs credentials" in text_of(driver, "signin")
        driver.find_element(By.ID, "signin-principal").send_keys("viewer")
        driver.find_element(By.ID, "signin-secret").send_keys("viewer-secret")
        driver.find_element(By.ID, "signin-submit").click()
        wait_for(driver, lambda d: "hello from nobody" in (text_of(d, "sandbox-stdout") or ""),
                 "nobody's stdout once signed in as viewer")
        # The credentials stay for this tab: daemon's sandbox is refused by access_sandboxes.
        driver.get(f"http://{cluster['master']}/#/tasks/{framework}/as-daemon")
        driver.refresh()
        wait_for(driver, lambda d: "refused" in (text_of(d, "sandbox-refused") or ""),
                 "daemon's sandbox refused to viewer")
        assert "access_sandboxes" in text_of(driver, "sandbox-refused")
        assert not driver.find_elements(By.ID, "signin")
    finally:
        driver.quit()
