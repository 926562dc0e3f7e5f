"""Authentication as Mesos does it, with the clients Mesos users have: a master with
`--credentials` (Mesos' JSON) and the four `--authenticate-*` flags; curl with and without
`-u`; an agent with `--credential` registering and one without kept out; pymesos with its
`principal` and `secret` subscribing and launching, refused with a wrong secret or a
FrameworkInfo naming another principal; `corral execute` and `corral cluster` with
`--principal --secret`; Apps with Marathon's `--mesos_authentication_*` flags running an
app through the marathon client."""
import json
import subprocess
import os
import sys

import pytest
from marathon import MarathonClient
from marathon.models import MarathonApp

import servers
from daemons import CORRAL, Daemon, apps_leads, curl, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cluster"))
import schedulers  # noqa: E402  (pymesos with its IO-thread failures kept, not raised as SIGINT)

CREDENTIALS = {"credentials": [
    {"principal": "ops", "secret": "ops-secret"},
    {"principal": "analytics", "secret": "kitesurf"},
    {"principal": "agent", "secret": "agent-secret"},
    {"principal": "apps", "secret": "apps-secret"},
]}
AUTHENTICATE = ["--authenticate-frameworks", "--authenticate-agents", "--authenticate-http-readonly",
                "--authenticate-http-readwrite"]


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Keeper, a master that authenticates everything, an agent with its credential."""
    files = str(tmp_path_factory.mktemp("auth"))
    credentials = write(files, "credentials.json", json.dumps(CREDENTIALS))
    agent_credential = write(files, "agent.json", json.dumps({"principal": "agent", "secret": "agent-secret"}))
    keeper_port = servers.free_port()
    keeper = servers.Server("corral", ["tickTime=2000", f"clientPort={keeper_port}", "clientPortAddress=127.0.0.1"],
                            keeper_port)
    zk = f"zk://127.0.0.1:{keeper_port}/mesos"
    master_port, agent_port = servers.free_port(), servers.free_port()
    daemons = []
    try:
        daemons.append(Daemon("master", ["master", "--zk", zk, "--port", str(master_port), "--credentials",
                                         credentials] + AUTHENTICATE, wait_port=master_port))
        daemons.append(Daemon("agent", ["agent", "--allow-root-tasks", "--master", zk, "--port", str(agent_port), "--isolation", "none",
                                        "--credential", agent_credential,
                                        "--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31099]"],
                              wait_port=agent_port))
        wait_until(lambda: agents(master_port) == 1, 30, "the agent to register with its credential")
        yield {"zk": zk, "keeper": keeper_port, "master": master_port, "files": files, "daemons": daemons}
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        keeper.stop()


def agents(port, user="ops:ops-secret"):
    answer = curl("-u", user, f"http://127.0.0.1:{port}/master/state")
    return json.loads(answer.stdout)["activated_slaves"] if answer.returncode == 0 and answer.stdout else None


def status_of(*args):
    return curl("-o", "/dev/null", "-w", "%{http_code}", *args).stdout


def test_endpoints_answer_401_with_a_challenge_until_the_credentials_are_right(cluster):
    state = f"http://127.0.0.1:{cluster['master']}/master/state"
    assert status_of(state) == "401"
    assert 'www-authenticate: Basic realm="mesos"' in curl("-i", state).stdout.lower().replace("basic", "Basic")
    assert status_of("-u", "ops:wrong", state) == "401"
    assert status_of("-u", "nobody:ops-secret", state) == "401"
    assert status_of("-u", "ops:ops-secret", state) == "200"
    assert status_of(f"http://127.0.0.1:{cluster['master']}/health") == "200"
    for path in ("/metrics/snapshot", "/metrics", "/"):
        assert status_of(f"http://127.0.0.1:{cluster['master']}{path}") == "401", path
    operator = ["-X", "POST", "-H", "Content-Type: application/json", "-d", '{"type":"GET_AGENTS"}',
                f"http://127.0.0.1:{cluster['master']}/api/v1"]
    assert status_of(*operator) == "401"
    assert status_of("-u", "ops:ops-secret", *operator) == "200"


def test_an_agent_without_its_credential_is_kept_out(cluster):
    port = servers.free_port()
    agent = Daemon("agent-anonymous", ["agent", "--allow-root-tasks", "--master", cluster["zk"], "--port", str(port), "--isolation",
                                       "none", "--resources", "cpus:1;mem:256;disk:256"], wait_port=port)
    try:
        wait_until(lambda: "401" in agent.log(), 20, "the agent to log the master's refusal")
        assert agents(cluster["master"]) == 1
    finally:
        agent.stop()


def test_pymesos_subscribes_with_principal_and_secret_and_runs_a_task(cluster):
    master = f"127.0.0.1:{cluster['master']}"
    with schedulers.Framework(master, "auth-pymesos", principal="analytics", secret="kitesurf") as framework:
        framework.launcher.add(schedulers.command_task("auth-task", "true"))
        framework.wait_terminal(["auth-task"], timeout=60)
        assert framework.states("auth-task")[-1] == "TASK_FINISHED"


def test_pymesos_is_refused_with_a_wrong_secret_or_another_principal_in_its_framework_info(cluster):
    master = f"127.0.0.1:{cluster['master']}"
    for options in ({"principal": "analytics", "secret": "wrong"},
                    {"principal": "analytics", "secret": "kitesurf", "info_principal": "ops"},
                    {}):
        framework = schedulers.Framework(master, "auth-refused", **options)
        try:
            with pytest.raises(AssertionError):
                framework.start(timeout=5)
        finally:
            framework.stop()
            schedulers.DRIVER_FAILURES.clear()
    body = json.dumps({"type": "SUBSCRIBE", "subscribe": {"framework_info": {
        "user": "u", "name": "n", "principal": "ops"}}})
    answer = curl("-u", "analytics:kitesurf", "-H", "Content-Type: application/json", "-d", body,
                  f"http://{master}/api/v1/scheduler")
    assert "Authenticated principal 'analytics' does not match principal 'ops'" in answer.stdout, answer


def test_corral_execute_and_cluster_take_principal_and_secret(cluster):
    base = [CORRAL, "execute", "--master", cluster["zk"], "--name", "auth-hello", "--command", "true",
            "--resources", "cpus:0.1;mem:32"]

    run = subprocess.run(base + ["--principal", "ops", "--secret", "ops-secret"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "TASK_FINISHED" in run.stdout, run.stdout + run.stderr
    refused = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "401" in refused.stderr, refused
    listed = subprocess.run([CORRAL, "cluster", "agents", "--master", cluster["zk"], "--principal", "ops",
                             "--secret", "ops-secret"], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0 and "127.0.0.1" in listed.stdout, listed
    anonymous = subprocess.run([CORRAL, "cluster", "agents", "--master", cluster["zk"]], capture_output=True,
                               text=True, timeout=30)
    assert anonymous.returncode != 0 and "401" in anonymous.stderr, anonymous


def test_apps_authenticates_as_its_principal(cluster):
    port = servers.free_port()
    secret = write(cluster["files"], "apps-secret", "apps-secret\n")
    apps = Daemon("apps", ["apps", "--zk", f"zk://127.0.0.1:{cluster['keeper']}/apps", "--master", cluster["zk"],
                           "--port", str(port), "--mesos-authentication-principal", "apps",
                           "--mesos-authentication-secret-file", secret], wait_port=port)
    try:
        client = MarathonClient(f"http://127.0.0.1:{port}")
        wait_until(lambda: apps_leads(client), 30, "Apps to subscribe")
        client.create_app("auth-sleeper", MarathonApp(cmd="sleep 600", cpus=0.1, mem=32, instances=1))
        wait_until(lambda: client.get_app("auth-sleeper").tasks_running == 1, 60, "the app's task to run")
        frameworks = json.loads(curl("-u", "ops:ops-secret",
                                     f"http://127.0.0.1:{cluster['master']}/master/frameworks").stdout)
        principals = {f["name"]: f.get("principal") for f in frameworks["frameworks"]}
        assert principals.get("corral-apps") == "apps", principals
        client.delete_app("auth-sleeper", force=True)
    finally:
        apps.stop()


def test_the_master_refuses_authentication_flags_without_credentials(tmp_path):

    bad = subprocess.run([CORRAL, "master", "--port", str(servers.free_port()), "--work-dir", str(tmp_path),
                          "--authenticate-frameworks"], capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "--credentials" in bad.stderr, bad
    broken = tmp_path / "broken.json"
    broken.write_text('{"credentials": [{"principal": "a"}]}')
    bad = subprocess.run([CORRAL, "master", "--port", str(servers.free_port()), "--work-dir", str(tmp_path),
                          "--credentials", str(broken), "--authenticate-frameworks"], capture_output=True, text=True,
                         timeout=30)
    assert bad.returncode != 0 and "--credentials:" in bad.stderr, bad


def test_an_authenticated_operator_writes_znodes_from_the_ui_endpoint_but_not_the_masters_own(cluster):
    base = f"http://127.0.0.1:{cluster['master']}/corral/v1/keeper/znode?path="
    ops = ["-u", "ops:ops-secret", "-H", "Content-Type: application/octet-stream"]
    assert status_of(base + "/") == "401"
    assert json.loads(curl(*ops, base + "/").stdout)["writable"] is True
    assert json.loads(curl(*ops, base + "/mesos").stdout)["writable"] is False
    assert status_of(*ops, "-X", "POST", "--data-binary", "v1", base + "/ui-written") == "201"
    assert status_of(*ops, "-X", "POST", "--data-binary", "again", base + "/ui-written") == "409"
    node = json.loads(curl(*ops, base + "/ui-written").stdout)
    assert node["data"] == "djE=" and node["stat"]["version"] == 0, node  # base64 of "v1"
    assert status_of(*ops, "-X", "PUT", "--data-binary", "v2", base + "/ui-written&version=0") == "200"
    assert status_of(*ops, "-X", "PUT", "--data-binary", "v3", base + "/ui-written&version=0") == "409"
    assert status_of("-X", "PUT", "--data-binary", "v3", base + "/ui-written") == "401"
    # What a cross-site form can send (text/plain, a form encoding) is refused.
    assert status_of("-u", "ops:ops-secret", "-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", "x",
                     base + "/from-a-form") == "415"
    refused = curl(*ops, "-X", "POST", "--data-binary", "{}", base + "/mesos/json.info_9999999999")
    assert "masters' election or registry" in refused.stdout, refused
    assert status_of(*ops, "-X", "DELETE", base + "/ui-written&version=1") == "200"
    assert status_of(*ops, base + "/ui-written") == "404"


def test_the_web_ui_writes_znodes_for_an_operator_who_logged_in(cluster):
    """Headless Chromium given the principal's credentials once (the browser keeps them for
    the realm and sends them on the page's own requests): the Keeper page offers
    its changes, and a child created, its data saved and the child deleted reach Keeper."""
    from selenium.webdriver.common.by import By
    import browser as ui

    driver = ui.new_driver()
    try:
        # Chromium keeps credentials given in a URL for the realm; a page whose own URL holds
        # them cannot fetch, so the page itself is opened without.
        driver.get(f"http://ops:ops-secret@127.0.0.1:{cluster['master']}/")
        driver.get(f"http://127.0.0.1:{cluster['master']}/#/keeper/")
        ui.wait_for(driver, lambda d: d.find_elements(By.ID, "znode-save"), "the Keeper page to offer changes")
        driver.find_element(By.ID, "znode-child-name").send_keys("from-the-ui")
        driver.find_element(By.ID, "znode-create").click()
        ui.wait_for(driver, lambda d: "from-the-ui" in (ui.text_of(d, "znode-children") or ""), "the new child")
        driver.get(f"http://127.0.0.1:{cluster['master']}/#/keeper/from-the-ui")
        ui.wait_for(driver, lambda d: d.find_elements(By.ID, "znode-edit"), "the child's page")
        editor = driver.find_element(By.ID, "znode-edit")
        editor.clear()
        editor.send_keys('{"written": "from the browser"}')
        driver.find_element(By.ID, "znode-save").click()
        ui.wait_for(driver, lambda d: "from the browser" in (ui.text_of(d, "znode-data") or ""), "the saved data")
        node = json.loads(curl("-u", "ops:ops-secret",
                               f"http://127.0.0.1:{cluster['master']}/corral/v1/keeper/znode?path=/from-the-ui").stdout)
        assert node["stat"]["version"] == 1, node
        driver.execute_script("window.confirm = () => true;")
        driver.find_element(By.ID, "znode-delete").click()
        ui.wait_for(driver, lambda d: "from-the-ui" not in (ui.text_of(d, "znode-children") or "from-the-ui"),
                    "the child gone from its parent's list")
        assert not [e for e in ui.console_errors(driver) if "401" not in e["message"]], ui.console_errors(driver)
    finally:
        driver.quit()
