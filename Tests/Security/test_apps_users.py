"""Apps' own users and roles (`corral apps --http-users`, `--http-credentials`): the
marathon client, curl and `corral apps` as users who may change and see only the apps under
their paths; a standby checks credentials before it forwards; the event stream leaves out
what a user may not see; a bad users file stops Apps with what is wrong."""
import json
import os
import subprocess
import sys
import time
import urllib.parse

import pytest
from marathon import MarathonClient, MarathonHttpError
from marathon.models import MarathonApp

import servers
from daemons import CORRAL, Daemon, apps_leads, curl, master_with_agent, wait_until

USERS = {
    "roles": [{"name": "dev", "permissions": [{"allowed": ["create", "update", "delete", "view"], "on": "/dev"}]}],
    "users": [
        {"user": "ernie", "password": "ernie-secret", "roles": ["dev"]},
        {"user": "audit", "password": "audit-secret", "permissions": [{"allowed": "view", "on": "/"}]},
    ],
}


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """Keeper, a master with an agent, and two Apps instances (a leader and a standby)
    with the users above and `ops` from --http-credentials."""
    files = str(tmp_path_factory.mktemp("apps-users"))
    users = os.path.join(files, "users.json")
    with open(users, "w") as f:
        json.dump(USERS, f)
    keeper_port = servers.free_port()
    keeper = servers.Server("corral", ["tickTime=2000", f"clientPort={keeper_port}", "clientPortAddress=127.0.0.1"],
                            keeper_port)
    instances = []
    try:
        with master_with_agent(agent_args=["--allow-root-tasks", "--isolation", "none"],
                               resources="cpus:2;mem:1024;disk:1024;ports:[31000-31099]") as master:
            for _ in range(2):
                port = servers.free_port()
                instances.append((port, Daemon("apps", [
                    "apps", "--zk", f"zk://127.0.0.1:{keeper_port}/apps", "--master", master, "--port", str(port),
                    "--http-users", users, "--http-credentials", "ops:ops-secret"], wait_port=port)))
                if len(instances) == 1:
                    ops = MarathonClient(f"http://127.0.0.1:{port}", username="ops", password="ops-secret")
                    wait_until(lambda: apps_leads(ops), 30, "the first Apps instance to lead")
            yield {"leader": instances[0][0], "standby": instances[1][0], "users": users, "master": master}
    finally:
        for _, daemon in reversed(instances):
            daemon.stop()
        keeper.stop()


def client(port, user, password):
    return MarathonClient(f"http://127.0.0.1:{port}", username=user, password=password)


def status_of(*args):
    return curl("-o", "/dev/null", "-w", "%{http_code}", *args).stdout


def test_credentials_are_required_but_for_ping(apps):
    base = f"http://127.0.0.1:{apps['leader']}"
    answer = curl("-i", f"{base}/v2/apps")
    assert " 401" in answer.stdout.splitlines()[0], answer.stdout
    assert 'WWW-Authenticate: Basic realm="Mesosphere"' in answer.stdout, answer.stdout
    assert status_of("-u", "ernie:wrong", f"{base}/v2/apps") == "401"
    assert status_of(f"{base}/ping") == "200"
    assert status_of("-u", "ernie:ernie-secret", f"{base}/v2/info") == "200"
    with pytest.raises(MarathonHttpError) as refused:
        client(apps["leader"], "ernie", "wrong").list_apps()
    assert refused.value.status_code == 401


def test_each_user_changes_and_sees_only_its_paths(apps):
    ernie = client(apps["leader"], "ernie", "ernie-secret")
    ops = client(apps["leader"], "ops", "ops-secret")
    audit = client(apps["leader"], "audit", "audit-secret")
    ernie.create_app("/dev/web", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=1))
    ops.create_app("/prod/api", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=1))
    with pytest.raises(MarathonHttpError) as refused:
        ernie.create_app("/prod/other", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=1))
    assert refused.value.status_code == 403
    assert "Not Authorized to perform this action!" in str(refused.value), refused.value
    with pytest.raises(MarathonHttpError) as refused:
        ernie.scale_app("/prod/api", instances=3)
    assert refused.value.status_code == 403
    with pytest.raises(MarathonHttpError) as refused:
        audit.delete_app("/dev/web", force=True)
    assert refused.value.status_code == 403
    wait_until(lambda: ernie.get_app("/dev/web").tasks_running == 1, 60, "ernie's app to run")
    assert [app.id for app in ernie.list_apps()] == ["/dev/web"]
    assert sorted(app.id for app in audit.list_apps()) == ["/dev/web", "/prod/api"]
    assert all(task.app_id == "/dev/web" for task in ernie.list_tasks())
    assert ops.get_app("/prod/api").instances == 1
    groups = json.loads(curl("-u", "ernie:ernie-secret", f"http://127.0.0.1:{apps['leader']}/v2/groups").stdout)
    assert "/prod" not in json.dumps(groups), groups
    ernie.scale_app("/dev/web", instances=0, force=True)
    ernie.delete_app("/dev/web", force=True)
    ops.delete_app("/prod/api", force=True)


def test_a_standby_checks_credentials_and_forwards_them(apps):
    base = f"http://127.0.0.1:{apps['standby']}"
    assert status_of(f"{base}/v2/apps") == "401"
    created = curl("-u", "ernie:ernie-secret", "-H", "Content-Type: application/json", "-w", "\n%{http_code}",
                   "-d", json.dumps({"id": "/dev/via-standby", "cmd": "sleep 600", "cpus": 0.1, "mem": 16,
                                     "instances": 0}), f"{base}/v2/apps")
    assert created.stdout.endswith("201"), created.stdout
    refused = curl("-u", "ernie:ernie-secret", "-H", "Content-Type: application/json", "-w", "\n%{http_code}",
                   "-d", json.dumps({"id": "/prod/via-standby", "cmd": "sleep 600", "instances": 0}),
                   f"{base}/v2/apps")
    assert refused.stdout.endswith("403"), refused.stdout
    client(apps["leader"], "ernie", "ernie-secret").delete_app("/dev/via-standby", force=True)


def test_the_event_stream_leaves_out_apps_a_user_may_not_view(apps):
    base = f"http://127.0.0.1:{apps['leader']}"
    stream = subprocess.Popen(["curl", "-sS", "-N", "--max-time", "6", "-u", "ernie:ernie-secret", "-H",
                               "Accept: text/event-stream", f"{base}/v2/events"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    ops = client(apps["leader"], "ops", "ops-secret")
    ops.create_app("/prod/events", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=0))
    ops.create_app("/dev/events", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=0))
    seen = stream.communicate(timeout=20)[0]
    assert "event_stream_attached" in seen, seen
    assert "/dev/events" in seen, seen
    assert "/prod/events" not in seen, seen
    ops.delete_app("/prod/events", force=True)
    ops.delete_app("/dev/events", force=True)


def test_corral_apps_sends_the_users_credentials(apps):
    url = f"http://127.0.0.1:{apps['leader']}"
    listed = subprocess.run([CORRAL, "apps", "list", "--apps", url, "--user", "audit:audit-secret"],
                            capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0, listed
    anonymous = subprocess.run([CORRAL, "apps", "list", "--apps", url], capture_output=True, text=True, timeout=30)
    assert anonymous.returncode != 0 and "401" in anonymous.stderr, anonymous


def test_the_web_ui_signs_in_to_apps(apps):
    """Headless Chromium on the master's UI: Apps answers the page 401, the Apps view asks
    for credentials, and with audit's it lists the apps audit may view, and polls on."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
    from browser import new_driver, text_of, wait_for
    from selenium.webdriver.common.by import By

    ops = client(apps["leader"], "ops", "ops-secret")
    ops.create_app("/dev/ui", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=0))
    driver = new_driver()
    try:
        driver.get(f"http://{apps['master']}/#/apps")
        wait_for(driver, lambda d: d.find_elements(By.ID, "signin"), "the Apps view to ask for credentials")
        assert f"127.0.0.1:{apps['leader']}" in text_of(driver, "signin"), text_of(driver, "signin")
        assert "Not Authenticated" in text_of(driver, "signin"), text_of(driver, "signin")
        driver.find_element(By.ID, "signin-principal").send_keys("audit")
        driver.find_element(By.ID, "signin-secret").send_keys("audit-secret")
        driver.find_element(By.ID, "signin-submit").click()
        wait_for(driver, lambda d: "/dev/ui" in (text_of(d, "apps-table") or ""), "/dev/ui listed for audit")
        assert not driver.find_elements(By.ID, "signin")
        # The next poll, three seconds on, still carries the credentials.
        ops.create_app("/dev/ui-later", MarathonApp(cmd="sleep 600", cpus=0.1, mem=16, instances=0))
        wait_for(driver, lambda d: "/dev/ui-later" in (text_of(d, "apps-table") or ""), "a later app on a later poll")
        assert not driver.find_elements(By.ID, "signin")
    finally:
        driver.quit()
        ops.delete_app("/dev/ui", force=True)
        ops.delete_app("/dev/ui-later", force=True)


def test_a_page_of_another_site_cannot_post_a_form_with_cached_credentials(apps):
    """Chromium caches ops' credentials for Apps (typed into the URL, as into its prompt);
    a page of another origin then submits a form whose text/plain body is an app's JSON.
    The browser sends the cached credentials with it, and Apps refuses a non-JSON POST
    from a web page: nothing is created."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
    from browser import new_driver, wait_for

    port = apps["leader"]
    ops = client(port, "ops", "ops-secret")
    driver = new_driver()
    try:
        driver.get(f"http://ops:ops-secret@127.0.0.1:{port}/v2/info")
        assert "corral-apps" in driver.page_source or "marathon" in driver.page_source, driver.page_source[:300]
        field = '{"id": "/dev/csrf", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "x": "'
        page = (f'<form method="POST" enctype="text/plain" action="http://127.0.0.1:{port}/v2/apps">'
                f"<input name='{field}' value='\"}}'></form><script>document.forms[0].submit()</script>")
        driver.get("data:text/html," + urllib.parse.quote(page))
        wait_for(driver, lambda d: "application/json" in d.page_source, "Apps' refusal of the form")
        assert "must be sent with Content-Type: application/json" in driver.page_source, driver.page_source[:300]
    finally:
        driver.quit()
    with pytest.raises(MarathonHttpError) as missing:
        ops.get_app("/dev/csrf")
    assert missing.value.status_code == 404


def test_a_bad_users_file_stops_apps_with_what_is_wrong(tmp_path):
    bad = tmp_path / "users.json"
    bad.write_text(json.dumps({"users": [{"user": "a", "password": "p", "roles": ["missing"]}]}))
    started = subprocess.run([CORRAL, "apps", "--zk", "zk://127.0.0.1:1/apps", "--master", "127.0.0.1:1",
                              "--port", str(servers.free_port()), "--http-users", str(bad)],
                             capture_output=True, text=True, timeout=30)
    assert started.returncode != 0
    assert "role 'missing'" in started.stderr, started.stderr
