"""A real Corral cluster on 127.0.0.1 for the end-to-end suite: 3 Keeper servers, 2
masters electing a leader through them, 2 agents, each a `corral` process of its own.

    c = Cluster(binary, workdir)
    c.start()          # keepers -> masters (one leads) -> agents (both registered)
    ...                # c.leader, c.standby, c.zk_url, c.agents, http_get(...)
    c.stop()           # SIGUSR1 agents, SIGTERM the rest, SIGKILL after 10 s; returns what was left over

Every daemon runs in a session of its own (so it and everything it starts can be found
again, and a signal to the test's process group does not reach it) with
CORRAL_EXIT_WITH_PARENT set to this process's pid, so nothing outlives the test run.
Ports come from 20000-21999 (CLUSTER_PORT_RANGE=LO-HI overrides), clear of the other
suites. All logs sit under one directory; `log_tails()` gives the end of each.

Standard library only."""
import contextlib
import http.client as httplib
import json
import os
import random
import signal
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT_RANGE = os.environ.get("CLUSTER_PORT_RANGE", "20000-21999")
START_TIMEOUT = float(os.environ.get("CLUSTER_START_TIMEOUT", "60"))
STOP_GRACE = 10.0

# Measurements tests want shown at the end of the run (conftest prints them).
FIGURES = []


def figure(text):
    print(text)
    FIGURES.append(text)


# ---------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------

def wait_until(predicate, timeout, what, interval=0.1):
    """predicate()'s first truthy value within timeout seconds, else AssertionError."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - a probe that fails is "not yet"
            last_error = e
        if time.monotonic() >= deadline:
            extra = " (last error: %r)" % (last_error,) if last_error else ""
            raise AssertionError("timed out after %.0fs waiting for %s%s" % (timeout, what, extra))
        time.sleep(interval)


def free_ports(count, port_range=PORT_RANGE):
    """count distinct ports of port_range that nobody listens on now. Each is held bound
    until all are picked, so none comes twice; the start is random so that two runs at
    once are unlikely to race for the same ones."""
    lo, hi = (int(p) for p in port_range.split("-"))
    candidates = list(range(lo, hi + 1))
    start = random.randrange(len(candidates))
    candidates = candidates[start:] + candidates[:start]
    held, ports = [], []
    try:
        for p in candidates:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                s.close()
                continue
            held.append(s)
            ports.append(p)
            if len(ports) == count:
                return ports
    finally:
        for s in held:
            s.close()
    raise RuntimeError("no %d free ports in %s" % (count, port_range))


def consecutive_free_ports(count, port_range=PORT_RANGE):
    """count consecutive ports of port_range nobody listens on now (a local Keeper
    ensemble's metrics ports are metricsProvider.httpPort + 0, 1, 2)."""
    lo, hi = (int(p) for p in port_range.split("-"))
    starts = list(range(lo, hi - count + 2))
    random.shuffle(starts)
    for start in starts:
        held = []
        try:
            for p in range(start, start + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                held.append(s)
                s.bind(("127.0.0.1", p))
            return list(range(start, start + count))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise AssertionError("no %d consecutive free ports in %s" % (count, port_range))


def process_alive(pid):
    """True while `pid` runs; a zombie (state Z in /proc/PID/stat) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def four_letter(port, word, timeout=2.0):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(word.encode())
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    except OSError:
        return None
    return b"".join(chunks).decode("utf-8", "replace")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        body = self.body[:300]
        return "<HTTP %d %s %r>" % (self.status, dict(self.headers), body)


def request(method, port, path, body=None, headers=None, timeout=10.0, host="127.0.0.1"):
    """One request on a fresh connection; redirects are not followed."""
    conn = httplib.HTTPConnection(host, port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict({"Content-Type": "application/json"}, **(headers or {}))
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def http_get(port, path, **kw):
    return request("GET", port, path, **kw)


def http_post(port, path, body=None, **kw):
    return request("POST", port, path, body=body, **kw)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


def session_members(sid):
    """Pids of live processes whose session id is sid (a daemon started in its own
    session and everything it started that stayed there)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        if int(fields[3]) == sid:
            out.append(int(name))
    return out


def describe_pid(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return "%d %s" % (pid, f.read().replace(b"\0", b" ").decode(errors="replace").strip())
    except OSError:
        return "%d (gone)" % pid


# ---------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------

class Daemon:
    """One `corral` process, its output appended to its log."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.proc = None

    def start(self):
        env = dict(os.environ)
        env.update(self.env or {})
        env["CORRAL_EXIT_WITH_PARENT"] = str(os.getpid())
        log = open(self.log_path, "ab")
        log.write(("### %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.argv))).encode())
        log.flush()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self):
        if not self.alive():
            raise AssertionError("%s exited with status %s; log tail:\n%s"
                                 % (self.name, self.proc.returncode, tail(self.log_path, 30)))

    def signal(self, sig):
        if self.alive():
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass


def tail(path, lines=40):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace").splitlines()
    except OSError as e:
        return "(%s)" % e
    return "\n".join(data[-lines:])


class Master:
    def __init__(self, daemon, port):
        self.daemon = daemon
        self.port = port

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def __repr__(self):
        return "master %s" % self.address


class Agent:
    def __init__(self, daemon, port, resources, work_dir):
        self.daemon = daemon
        self.port = port
        self.resources = resources
        self.work_dir = work_dir

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def state(self):
        return http_get(self.port, "/state").json()

    def __repr__(self):
        return "agent %s" % self.address


class Cluster:
    AGENT_RESOURCES = (
        "cpus:2;mem:1024;disk:1000;ports:[31000-31100]",
        "cpus:2;mem:1024;disk:1000;ports:[31101-31200]",
    )

    def __init__(self, binary, workdir, agent_resources=AGENT_RESOURCES, masters=2, master_flags=()):
        self.binary = binary
        self.workdir = workdir
        self.agent_resources = agent_resources
        self.n_masters = masters
        self.master_flags = list(master_flags)
        self.run_id = uuid.uuid4().hex[:8]
        # One cgroup directory per agent, unique to this run.
        self.cgroup_roots = ["corral-e2e-%s-a%d" % (self.run_id, i + 1)
                             for i in range(len(agent_resources))]
        self.keeper_ports = []
        self.keeper_metrics_ports = []
        self.keepers = []
        self.masters = []
        self.agents = []
        self.zk_hosts = ""
        self.zk_url = ""
        self.removed_cgroups = []  # this run's (empty) cgroup roots, removed by stop()

    # -- everything --------------------------------------------------------------

    def daemons(self):
        return [k for k in self.keepers] + [m.daemon for m in self.masters] + [a.daemon for a in self.agents]

    def start(self):
        n_keepers, n_masters, n_agents = 3, self.n_masters, len(self.agent_resources)
        self.keeper_metrics_ports = consecutive_free_ports(n_keepers)
        needed = 3 * n_keepers + n_masters + n_agents
        ports = [p for p in free_ports(needed + n_keepers) if p not in self.keeper_metrics_ports][:needed]
        self._start_keepers(ports[:3 * n_keepers])
        self._start_masters(ports[3 * n_keepers:3 * n_keepers + n_masters])
        self._start_agents(ports[3 * n_keepers + n_masters:])

    def _start_keepers(self, ports):
        data = os.path.join(self.workdir, "keeper-data")
        os.makedirs(data, exist_ok=True)
        lines = []
        for n in range(3):
            peer, election, client = ports[3 * n:3 * n + 3]
            lines.append("server.%d=127.0.0.1:%d:%d;%d" % (n + 1, peer, election, client))
            self.keeper_ports.append(client)
        config = os.path.join(self.workdir, "zoo.cfg")
        with open(config, "w") as f:
            f.write("\n".join([
                "tickTime=500",
                "initLimit=10",
                "syncLimit=5",
                "dataDir=%s" % data,
                "clientPortAddress=127.0.0.1",
                "maxClientCnxns=200",
                "minSessionTimeout=1000",
                "maxSessionTimeout=30000",
                "4lw.commands.whitelist=*",
                "extendedTypesEnabled=true",
                "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
                "metricsProvider.httpHost=127.0.0.1",
                "metricsProvider.httpPort=%d" % self.keeper_metrics_ports[0],
            ] + lines) + "\n")
        for n in range(3):
            self.keepers.append(Daemon(
                "keeper%d" % (n + 1),
                [self.binary, "keeper", "--config", config, "--id", str(n + 1)],
                os.path.join(self.workdir, "keeper%d.log" % (n + 1))).start())
        self.zk_hosts = ",".join("127.0.0.1:%d" % p for p in self.keeper_ports)
        self.zk_url = "zk://%s/mesos" % self.zk_hosts

        def serving():
            for k in self.keepers:
                k.check_alive()
            modes = []
            for p in self.keeper_ports:
                text = four_letter(p, "srvr") or ""
                mode = [l.split(": ", 1)[1] for l in text.splitlines() if l.startswith("Mode: ")]
                modes.append(mode[0].strip() if mode else None)
            return all(m in ("leader", "follower") for m in modes) and modes.count("leader") == 1
        wait_until(serving, START_TIMEOUT, "3 keepers to serve with one leader")

    def _start_masters(self, ports):
        for i, port in enumerate(ports):
            wd = os.path.join(self.workdir, "master%d" % (i + 1))
            os.makedirs(wd, exist_ok=True)
            d = Daemon("master%d" % (i + 1),
                       [self.binary, "master", "--zk", self.zk_url, "--port", str(port),
                        "--work-dir", wd] + self.master_flags,
                       os.path.join(self.workdir, "master%d.log" % (i + 1))).start()
            self.masters.append(Master(d, port))
        wait_until(self._one_leads, START_TIMEOUT, "one master to lead (200) and the others to redirect (307)")

    def _one_leads(self):
        for m in self.masters:
            m.daemon.check_alive()
        codes = [http_get(m.port, "/master/state", timeout=3).status for m in self.masters]
        return sorted(codes) == [200] + [307] * (len(self.masters) - 1)

    def _start_agents(self, ports):
        for i, port in enumerate(ports):
            wd = os.path.join(self.workdir, "agent%d" % (i + 1))
            os.makedirs(wd, exist_ok=True)
            res = self.agent_resources[i]
            d = Daemon("agent%d" % (i + 1),
                       [self.binary, "agent", "--master", self.zk_url, "--port", str(port), "--allow-root-tasks",
                        "--work-dir", wd, "--resources", res,
                        "--cgroup-root", self.cgroup_roots[i]],
                       os.path.join(self.workdir, "agent%d.log" % (i + 1))).start()
            self.agents.append(Agent(d, port, res, wd))

        def registered():
            for a in self.agents:
                a.daemon.check_alive()
            slaves = http_get(self.leader.port, "/master/slaves", timeout=3).json()["slaves"]
            ports = {s["port"] for s in slaves if s.get("active", True)}
            return all(a.port in ports for a in self.agents)
        wait_until(registered, START_TIMEOUT, "both agents in the leader's /master/slaves")

    # -- who leads -----------------------------------------------------------------

    @property
    def leader(self):
        for m in self.masters:
            if m.daemon.alive() and http_get(m.port, "/master/state", timeout=5).status == 200:
                return m
        raise AssertionError("no master answers /master/state with 200")

    @property
    def standby(self):
        lead = self.leader
        return next(m for m in self.masters if m is not lead)

    def agent_by_id(self, agent_id):
        for s in http_get(self.leader.port, "/master/slaves").json()["slaves"]:
            if s["id"] == agent_id:
                return next(a for a in self.agents if a.port == s["port"])
        raise KeyError(agent_id)

    # -- the end -------------------------------------------------------------------

    def check_all_alive(self):
        for d in self.daemons():
            d.check_alive()

    def log_paths(self):
        return [d.log_path for d in self.daemons()]

    def log_tails(self, lines=25):
        out = []
        for d in self.daemons():
            out.append("----- %s (%s) -----\n%s" % (d.name, d.log_path, tail(d.log_path, lines)))
        return "\n".join(out)

    def cgroup_dirs(self):
        """Every directory under this run's cgroup roots (deepest first)."""
        found = []
        for root in self.cgroup_roots:
            for controller in ("memory", "cpu"):
                top = os.path.join("/sys/fs/cgroup", controller, root)
                if not os.path.isdir(top):
                    continue
                for dirpath, dirnames, _ in os.walk(top, topdown=False):
                    found.append(dirpath)
        return found

    def stop(self):
        """SIGUSR1 agents, SIGTERM masters, keepers (in that order), SIGKILL whatever is left
        after 10 s, then anything still in their sessions. Returns a list of problems:
        processes that needed SIGKILL or outlived their daemon, cgroup directories
        with processes in them or left behind (which are then removed)."""
        problems = []
        sessions = [d.pid for d in self.daemons() if d.proc is not None]
        groups = [[a.daemon for a in self.agents], [m.daemon for m in self.masters], self.keepers]
        for group in groups:
            for d in group:
                # Agents leave (SIGUSR1: their tasks are killed); SIGTERM would leave the
                # tasks running for an agent started again to take back.
                d.signal(signal.SIGUSR1 if d in groups[0] else signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE
            for d in group:
                if d.proc is None:
                    continue
                try:
                    d.proc.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    problems.append("%s (pid %d) did not stop within %.0fs: SIGKILL"
                                    % (d.name, d.pid, STOP_GRACE))
                    d.signal(signal.SIGKILL)
                    d.proc.wait(5)
        # Tasks and executors stay in their agent's session (they get a process group
        # of their own, not a session): anything left there outlived its agent.
        time.sleep(0.2)
        for sid in sessions:
            for pid in session_members(sid):
                problems.append("process left over in session %d: %s" % (sid, describe_pid(pid)))
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for path in self.cgroup_dirs():
            procs = ""
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    procs = f.read().split()
            except OSError:
                pass
            if procs:
                problems.append("cgroup %s still holds processes %s" % (path, procs))
                for pid in procs:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                time.sleep(0.2)
            is_root = os.path.basename(path) in self.cgroup_roots
            if not is_root:
                problems.append("container cgroup left behind: %s" % path)
            try:
                os.rmdir(path)
                self.removed_cgroups.append(path)
            except OSError as e:
                problems.append("cannot remove cgroup %s: %s" % (path, e))
        return problems


@contextlib.contextmanager
def own_cluster(binary, name, before_stop=None, **kw):
    """A cluster of a test's own beside the session's (Cluster's arguments in kw), started,
    stopped afterwards (`before_stop(c)` first), its directory removed unless
    CLUSTER_KEEP_LOGS is set; fails the test if the stop found problems."""
    workdir = tempfile.mkdtemp(prefix="corral-%s-" % name)
    c = Cluster(binary, workdir, **kw)
    try:
        c.start()
        yield c
    finally:
        if before_stop is not None:
            before_stop(c)
        problems = c.stop()
        if not os.environ.get("CLUSTER_KEEP_LOGS"):
            shutil.rmtree(workdir, ignore_errors=True)
    assert not problems, problems
