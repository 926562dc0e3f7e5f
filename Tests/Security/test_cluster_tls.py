"""The cluster's HTTP over TLS, set as Mesos sets it (LIBPROCESS_SSL_* in each process's
environment): a master and an agent that registers with it over TLS, Apps subscribed over
TLS, read by curl, `corral execute` and the marathon client (requests), each refused when
it does not trust the authority; an agent trusting another authority kept out with a log
line naming the variable; SUPPORT_DOWNGRADE serving plaintext beside TLS; and
`corral up --tls`, which makes its own authority."""
import json
import os
import shutil
import signal
import subprocess
import tempfile

import pytest
import requests
from marathon import MarathonClient
from marathon.models import MarathonApp

import servers
from daemons import CORRAL, Daemon, curl, wait_until


def tls_env(certs, ca="ca.pem", key_store="server.pem", **extra):
    env = dict(os.environ)
    env.update({
        "LIBPROCESS_SSL_ENABLED": "true",
        "LIBPROCESS_SSL_CERT_FILE": os.path.join(certs, key_store),
        "LIBPROCESS_SSL_KEY_FILE": os.path.join(certs, key_store),
        "LIBPROCESS_SSL_CA_FILE": os.path.join(certs, ca),
    })
    env.update({f"LIBPROCESS_SSL_{name}": value for name, value in extra.items()})
    return env


def master_state(port, certs):
    answer = curl("--cacert", os.path.join(certs, "ca.pem"), f"https://127.0.0.1:{port}/master/state")
    return json.loads(answer.stdout) if answer.returncode == 0 else None


@pytest.fixture(scope="module")
def cluster(certs):
    """Keeper (plaintext), a master, an agent and Apps, the three over TLS."""
    keeper_port = servers.free_port()
    keeper = servers.Server("corral", ["tickTime=2000", f"clientPort={keeper_port}", "clientPortAddress=127.0.0.1"],
                            keeper_port)
    zk = f"zk://127.0.0.1:{keeper_port}/mesos"
    master_port, agent_port, apps_port = servers.free_port(), servers.free_port(), servers.free_port()
    env = tls_env(certs)
    daemons = []
    try:
        daemons.append(Daemon("master", ["master", "--zk", zk, "--port", str(master_port)], env, master_port))
        daemons.append(Daemon("agent", ["agent", "--allow-root-tasks", "--master", zk, "--port", str(agent_port), "--isolation", "none",
                                        "--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31099]"],
                              env, agent_port))
        daemons.append(Daemon("apps", ["apps", "--zk", f"zk://127.0.0.1:{keeper_port}/apps", "--master", zk,
                                       "--port", str(apps_port)], env, apps_port))
        wait_until(lambda: (master_state(master_port, certs) or {}).get("activated_slaves") == 1, 30,
                   "the agent to register over TLS")
        yield {"zk": zk, "master": master_port, "agent": agent_port, "apps": apps_port, "daemons": daemons}
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        keeper.stop()


def test_curl_reads_the_master_over_tls_only_when_it_trusts_the_authority(cluster, certs):
    state = master_state(cluster["master"], certs)
    assert state["activated_slaves"] == 1
    untrusted = curl(f"https://127.0.0.1:{cluster['master']}/master/state")
    assert untrusted.returncode == 60, untrusted  # curl: the peer's certificate cannot be verified
    plaintext = curl(f"http://127.0.0.1:{cluster['master']}/master/state")
    assert plaintext.returncode != 0, plaintext
    master = cluster["daemons"][0]
    wait_until(lambda: "the client must speak TLS (https://)" in master.log(), 5, "the master to log the refusal")
    assert "Master serving HTTPS on" in master.log()
    agent = curl("--cacert", os.path.join(certs, "ca.pem"), f"https://localhost:{cluster['agent']}/state")
    assert agent.returncode == 0 and json.loads(agent.stdout)["id"], agent


def test_corral_execute_runs_a_task_over_tls_and_names_the_variable_when_refused(cluster, certs):
    run = subprocess.run([CORRAL, "execute", "--master", cluster["zk"], "--name", "tls-hello", "--command", "true",
                          "--resources", "cpus:0.1;mem:32"], env=tls_env(certs), capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "TASK_FINISHED" in run.stdout, run.stdout + run.stderr
    refused = subprocess.run([CORRAL, "cluster", "agents", "--master", f"127.0.0.1:{cluster['master']}"],
                             env=tls_env(certs, ca="other-ca.pem"), capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr and "LIBPROCESS_SSL_CA_FILE" in refused.stderr, refused
    assert "Usage" not in refused.stderr
    listed = subprocess.run([CORRAL, "cluster", "agents", "--master", f"127.0.0.1:{cluster['master']}"],
                            env=tls_env(certs), capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0 and "127.0.0.1" in listed.stdout, listed


def test_tasks_inherit_the_agents_tls_variables_but_its_key(cluster, certs, tmp_path):
    """As Mesos' executors inherit the agent's environment: one built on libprocess then
    speaks TLS to the agent. The agent's certificate and key are not handed on."""
    seen = tmp_path / "env"
    os.chmod(tmp_path, 0o777)
    run = subprocess.run([CORRAL, "execute", "--master", cluster["zk"], "--name", "tls-env",
                          "--command", f"env | grep ^LIBPROCESS_SSL_ > {seen}", "--resources", "cpus:0.1;mem:32"],
                         env=tls_env(certs), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "TASK_FINISHED" in run.stdout, run.stdout + run.stderr
    variables = dict(line.split("=", 1) for line in seen.read_text().split())
    assert variables["LIBPROCESS_SSL_ENABLED"] == "true", variables
    assert variables["LIBPROCESS_SSL_CA_FILE"] == os.path.join(certs, "ca.pem"), variables
    assert "LIBPROCESS_SSL_KEY_FILE" not in variables and "LIBPROCESS_SSL_CERT_FILE" not in variables, variables


def test_the_marathon_client_drives_apps_over_tls(cluster, certs):
    url = f"https://127.0.0.1:{cluster['apps']}"
    client = MarathonClient(url, verify=os.path.join(certs, "ca.pem"))
    client.create_app("tls-sleeper", MarathonApp(cmd="sleep 600", cpus=0.1, mem=32, instances=1))
    try:
        wait_until(lambda: client.get_app("tls-sleeper").tasks_running == 1, 60,
                   "Apps to launch the task through the master over TLS")
        assert client.get_info().framework_id
    finally:
        client.delete_app("tls-sleeper", force=True)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url + "/v2/apps", verify=os.path.join(certs, "other-ca.pem"), timeout=10)


def test_an_agent_that_trusts_another_authority_does_not_register_and_says_why(cluster, certs):
    port = servers.free_port()
    agent = Daemon("agent-stranger", ["agent", "--allow-root-tasks", "--master", cluster["zk"], "--port", str(port), "--isolation", "none",
                                      "--resources", "cpus:1;mem:256;disk:256"],
                   tls_env(certs, ca="other-ca.pem"), port)
    try:
        wait_until(lambda: "LIBPROCESS_SSL_CA_FILE" in agent.log(), 20, "the agent to log the refusal")
        assert "CERTIFICATE_VERIFY_FAILED" in agent.log()
        assert master_state(cluster["master"], certs)["activated_slaves"] == 1
    finally:
        agent.stop()


def test_support_downgrade_serves_plaintext_beside_tls(certs):
    port = servers.free_port()
    master = Daemon("master-downgrade", ["master", "--port", str(port)], tls_env(certs, SUPPORT_DOWNGRADE="true"),
                    port)
    try:
        assert json.loads(curl(f"http://127.0.0.1:{port}/master/state").stdout)["activated_slaves"] == 0
        assert master_state(port, certs)["activated_slaves"] == 0
        assert "Master serving HTTPS, plaintext HTTP too" in master.log()
    finally:
        master.stop()


def test_a_broken_setting_stops_the_daemon_with_the_variable_named(certs):
    bad = subprocess.run([CORRAL, "master", "--port", str(servers.free_port()), "--work-dir", tempfile.mkdtemp()],
                         env=tls_env(certs, key_store="ca.pem"), capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "LIBPROCESS_SSL_KEY_FILE" in bad.stderr + bad.stdout, bad


def test_corral_up_tls_makes_an_authority_and_serves_https(tmp_path):
    """`corral up --tls` on the ports of ensemble.conf and corral up's own (no other stage
    runs meanwhile)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shutil.copy(os.path.join(root, "ensemble.conf"), tmp_path)
    out_path = tmp_path / "up.out"
    with open(out_path, "w") as out:
        up = subprocess.Popen([CORRAL, "up", "--tls", "--masters", "1", "--agents", "1", "--apps", "1",
                               "--data", "data"], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        wait_until(lambda: up.poll() is None and "Press Ctrl-C" in out_path.read_text(), 90, "corral up --tls")
        summary = out_path.read_text()
        ca = str(tmp_path / "data" / "tls" / "ca.pem")
        assert f"the authority is {ca}" in summary, summary
        assert "Master:   https://127.0.0.1:5050" in summary and "Apps:     https://127.0.0.1:8080" in summary
        state = curl("--cacert", ca, "https://127.0.0.1:5050/master/state")
        assert state.returncode == 0 and json.loads(state.stdout)["activated_slaves"] == 1, state
        env = dict(os.environ, LIBPROCESS_SSL_ENABLED="true", LIBPROCESS_SSL_CA_FILE=ca)
        listed = subprocess.run([CORRAL, "apps", "list", "--apps", "https://127.0.0.1:8080"], env=env,
                                capture_output=True, text=True, timeout=30)
        assert listed.returncode == 0 and listed.stdout.startswith("ID"), listed
        up.send_signal(signal.SIGINT)
        assert up.wait(timeout=40) == 0
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait()
        for controller in ("memory", "cpu"):
            try:
                os.rmdir(os.path.join("/sys/fs/cgroup", controller, "corral-up"))
            except OSError:
                pass
