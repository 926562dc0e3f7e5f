"""The cluster's daemons (`corral master|agent|apps`) as the security suite starts them,
each with its own directory and log, and curl."""
import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time

import servers

CORRAL = servers.CORRAL


def wait_until(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def apps_leads(client):
    """Whether the Apps instance a marathon client talks to leads with a framework id.
    Until its election ends it answers 503 (no leader known yet): a 'not yet'."""
    from marathon import MarathonHttpError
    try:
        return bool(client.get_info().framework_id)
    except MarathonHttpError as error:
        if error.status_code == 503:
            return False
        raise


class Daemon:
    """One `corral` daemon with its own directory (its --work-dir, but for Apps) and log."""

    def __init__(self, name, args, env=None, wait_port=None):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"security-{name}-")
        os.chmod(self.dir, 0o755)  # an agent's tasks may run as other users, who must reach their sandboxes
        self.log_path = os.path.join(self.dir, "log")
        self.log_file = open(self.log_path, "w")
        work_dir = [] if args[0] == "apps" else ["--work-dir", self.dir]
        self.process = subprocess.Popen([CORRAL] + args + work_dir, env=env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT)
        servers.wait_listening(wait_port, process=self.process, log=self.log_path)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        # An agent leaves the cluster on SIGUSR1, killing its tasks.
        sig = signal.SIGUSR1 if self.name.startswith("agent") else signal.SIGTERM
        servers.stop_process(self.process, self.log_file, self.dir, sig=sig, wait_s=15)


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "10"] + list(args), capture_output=True, text=True)


@contextlib.contextmanager
def master_with_agent(master_args=(), agent_args=(), resources="cpus:2;mem:1024;disk:1024"):
    """A master leading alone and one agent registered with it; yields the master's
    HOST:PORT and stops both after."""
    master_port, agent_port = servers.free_port(), servers.free_port()
    daemons = [Daemon("master", ["master", "--port", str(master_port)] + list(master_args), wait_port=master_port)]
    try:
        daemons.append(Daemon("agent", ["agent", "--master", f"127.0.0.1:{master_port}", "--port", str(agent_port),
                                        "--resources", resources] + list(agent_args),
                              wait_port=agent_port))
        wait_until(lambda: json.loads(curl(f"http://127.0.0.1:{master_port}/master/state").stdout or "{}")
                   .get("activated_slaves") == 1, 30, "the agent to register")
        yield f"127.0.0.1:{master_port}"
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
