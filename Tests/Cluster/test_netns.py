"""Several hosts: 3 Keeper servers, 2 masters and 2 agents, each in a network namespace of
its own with its own address (netns.py), so daemons announce and reach real non-loopback
addresses; pymesos frameworks reach them from the test process over the test's own link.

- An agent cut off longer than the ping timeout: the partition-aware framework hears
  TASK_UNREACHABLE and the other TASK_LOST; healed, the first task is announced RUNNING
  again and runs on, the second is killed (Mesos' rules).
- The leading master cut off from every Keeper server (and from everything else): its
  session expires, the standby takes over, both agents register with it, the framework
  subscribes again and its task runs on under the same pid; healed, the old leader stands
  by.

Skipped, saying why, without root or network namespaces. Every namespace is removed at the
end, also when a test fails."""
import os
import time

import pytest

import netns
from cluster import Agent, Daemon, Master, figure, request, tail, wait_until
from schedulers import Framework, Launcher, new_id, sleeper_task

REASON = netns.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason="network namespaces: %s" % REASON)

PING_TIMEOUT, MAX_PINGS, SESSION_TIMEOUT = 0.5, 4, 4.0
KEEPERS = {"k1": 11, "k2": 12, "k3": 13}
MASTERS = {"m1": 21, "m2": 22}
AGENTS = {"a1": 31, "a2": 32}


class PinnedLauncher(Launcher):
    """Launches only on the agent announcing `hostname`; declines every other offer."""

    def __init__(self, hostname):
        super().__init__()
        self.hostname = hostname

    def __call__(self, driver, offers):
        for offer in offers:
            if offer["hostname"] != self.hostname:
                driver.declineOffer(offer["id"], {"refuse_seconds": 1.0})
        super().__call__(driver, [o for o in offers if o["hostname"] == self.hostname])


class Hosts:
    """The daemons of the namespaced cluster."""

    def __init__(self, binary, workdir, network):
        self.binary, self.workdir, self.net = binary, workdir, network
        self.keepers, self.masters, self.agents = [], {}, {}
        self.zk_url = "zk://%s/mesos" % ",".join(
            "%s:2181" % netns.SUBNET % octet for octet in KEEPERS.values())

    def daemon(self, host, name, argv):
        return Daemon(name, self.net.enter(host) + [self.binary] + argv,
                      os.path.join(self.workdir, name + ".log")).start()

    def start(self):
        for name, octet in list(KEEPERS.items()) + list(MASTERS.items()) + list(AGENTS.items()):
            self.net.add_host(name, octet)
        config = os.path.join(self.workdir, "zoo.cfg")
        with open(config, "w") as f:
            f.write("\n".join([
                "tickTime=500", "initLimit=10", "syncLimit=5",
                "dataDir=%s" % os.path.join(self.workdir, "keeper-data"),
                "minSessionTimeout=1000", "maxSessionTimeout=30000", "4lw.commands.whitelist=*",
            ] + ["server.%d=%s:2888:3888;2181" % (n + 1, netns.SUBNET % octet)
                 for n, octet in enumerate(KEEPERS.values())]) + "\n")
        for n, host in enumerate(KEEPERS):
            self.keepers.append(self.daemon(host, "keeper%d" % (n + 1),
                                            ["keeper", "--config", config, "--id", str(n + 1)]))
        for host in MASTERS:
            work = os.path.join(self.workdir, host)
            os.makedirs(work, exist_ok=True)
            d = self.daemon(host, host, [
                "master", "--zk", self.zk_url, "--ip", self.net.hosts[host], "--port", "5050",
                "--work-dir", work, "--agent-ping-timeout", str(PING_TIMEOUT),
                "--max-agent-ping-timeouts", str(MAX_PINGS), "--zk-session-timeout", str(SESSION_TIMEOUT)])
            self.masters[host] = Master(d, 5050)
        for n, host in enumerate(AGENTS):
            work = os.path.join(self.workdir, host)
            os.makedirs(work, exist_ok=True)
            resources = "cpus:2;mem:1024;disk:1000;ports:[31%d00-31%d99]" % (n, n)
            d = self.daemon(host, host, [
                "agent", "--master", self.zk_url, "--ip", self.net.hosts[host], "--port", "5051", "--allow-root-tasks",
                "--work-dir", work, "--resources", resources,
                "--cgroup-root", "corral-netns-%s-%s" % (self.net.tag, host)])
            self.agents[host] = Agent(d, 5051, resources, work)
        wait_until(lambda: self.leader() is not None, 90, "a master to lead")
        wait_until(lambda: self.registered_agents(self.leader()) == set(AGENTS), 60, "both agents registered")

    def status(self, host, path):
        try:
            return request("GET", 5050, path, host=self.net.hosts[host], timeout=2)
        except OSError:
            return None

    def leader(self, among=MASTERS):
        for host in among:
            answer = self.status(host, "/master/state")
            if answer is not None and answer.status == 200:
                return host
        return None

    def registered_agents(self, master):
        answer = self.status(master, "/master/slaves") if master else None
        if answer is None or answer.status != 200:
            return set()
        by_address = {address: name for name, address in self.net.hosts.items()}
        return {by_address.get(s["hostname"]) for s in answer.json()["slaves"] if s.get("active", True)}

    def stop(self):
        for agent in self.agents.values():
            agent.daemon.signal(10)  # SIGUSR1: leave the cluster, killing the tasks
        for agent in self.agents.values():
            _wait_exit(agent.daemon)
        for d in [m.daemon for m in self.masters.values()] + self.keepers:
            d.signal(15)
            _wait_exit(d)


def _wait_exit(daemon, timeout=20):
    if daemon.proc is None:
        return
    try:
        daemon.proc.wait(timeout=timeout)
    except Exception:
        daemon.signal(9)
        daemon.proc.wait(timeout=5)


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    from conftest import corral_bin
    network = netns.Network()
    h = Hosts(corral_bin(), str(tmp_path_factory.mktemp("netns")), network)
    try:
        h.start()
        yield h
    except BaseException:
        for name in sorted(os.listdir(h.workdir)):
            if name.endswith(".log"):
                print("--- %s\n%s" % (name, tail(os.path.join(h.workdir, name), 30)))
        raise
    finally:
        try:
            h.stop()
        finally:
            network.close()


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _pid(path):
    wait_until(lambda: path.exists() and path.read_text().strip(), 10, "the task's pid file %s" % path)
    return int(path.read_text())


def test_an_agent_cut_off_is_unreachable_then_reconciled(hosts, tmp_path):
    address = hosts.net.hosts["a2"]
    aware = Framework(hosts.zk_url, new_id("netns-aware"), offer_handler=PinnedLauncher(address),
                      partition_aware=True)
    unaware = Framework(hosts.zk_url, new_id("netns-unaware"), offer_handler=PinnedLauncher(address))
    tasks = {}
    for fw, name in ((aware, "aware"), (unaware, "unaware")):
        tasks[name] = new_id("netns-" + name)
        fw.launcher.add(sleeper_task(tasks[name], tmp_path / (name + ".pid")))
    with aware, unaware:
        aware.wait_state(tasks["aware"], "TASK_RUNNING", 60)
        unaware.wait_state(tasks["unaware"], "TASK_RUNNING", 60)
        pids = {name: _pid(tmp_path / (name + ".pid")) for name in tasks}

        cut_at = time.monotonic()
        hosts.net.cut("a2")
        unreachable = aware.wait_state(tasks["aware"], "TASK_UNREACHABLE", 30)
        lost = unaware.wait_state(tasks["unaware"], "TASK_LOST", 30)
        figure("netns: agent cut off -> TASK_UNREACHABLE after %.1f s (ping timeout %.1f s x %d)"
               % (time.monotonic() - cut_at, PING_TIMEOUT, MAX_PINGS))
        assert unreachable.get("reason") == "REASON_AGENT_REMOVED" or unreachable.get("unreachable_time"), unreachable
        assert lost["state"] == "TASK_LOST"
        assert _alive(pids["aware"]) and _alive(pids["unaware"]), "a cut-off agent's tasks run on"

        hosts.net.heal("a2")
        aware.wait(lambda s: any(u["task_id"]["value"] == tasks["aware"] and u["state"] == "TASK_RUNNING"
                                 and u.get("reason") == "REASON_AGENT_REREGISTERED" for u in s.updates),
                   60, "the aware task announced running again")
        wait_until(lambda: not _alive(pids["unaware"]), 30, "the task its framework was told is lost to be killed")
        assert _alive(pids["aware"]), "the partition-aware task runs on"
        states = unaware.states(tasks["unaware"])
        assert "TASK_RUNNING" not in states[states.index("TASK_LOST"):], states
        wait_until(lambda: hosts.registered_agents(hosts.leader()) == set(AGENTS), 30, "both agents registered")


def test_the_leader_cut_off_from_keeper_is_replaced_and_tasks_run_on(hosts, tmp_path):
    fw = Framework(hosts.zk_url, new_id("netns-failover"), offer_handler=PinnedLauncher(hosts.net.hosts["a1"]),
                   partition_aware=True, checkpoint=True, failover_timeout=3600)
    task = new_id("netns-failover")
    fw.launcher.add(sleeper_task(task, tmp_path / "task.pid"))
    with fw:
        fw.wait_state(task, "TASK_RUNNING", 60)
        pid = _pid(tmp_path / "task.pid")
        old = hosts.leader()
        other = next(h for h in MASTERS if h != old)

        cut_at = time.monotonic()
        hosts.net.cut(old)
        wait_until(lambda: hosts.leader(among=[other]) == other, 60, "the standby to lead")
        took_over = time.monotonic() - cut_at
        wait_until(lambda: hosts.registered_agents(other) == set(AGENTS), 60, "both agents registered with it")
        agents_back = time.monotonic() - cut_at
        figure("netns: leader cut off from Keeper -> standby leads after %.1f s (session timeout %.1f s), "
               "both agents back after %.1f s" % (took_over, SESSION_TIMEOUT, agents_back))
        wait_until(lambda: _framework_subscribed(hosts, other, fw), 60, "the framework subscribed to the new leader")
        fw.driver.reconcileTasks([])
        fw.wait(lambda s: any(u["task_id"]["value"] == task and u.get("reason") == "REASON_RECONCILIATION"
                              for u in s.updates), 30, "the reconciliation's answer")
        assert fw.last(task)["state"] == "TASK_RUNNING", fw.states(task)
        assert _alive(pid), "the task runs on under the same pid"

        hosts.net.heal(old)
        wait_until(lambda: (hosts.status(old, "/master/state") or _NoAnswer).status == 307, 60,
                   "the old leader to stand by (307)")
        assert hosts.leader() == other


class _NoAnswer:
    status = None


def _framework_subscribed(hosts, master, fw):
    answer = hosts.status(master, "/master/frameworks")
    if answer is None or answer.status != 200:
        return False
    return any(f["name"] == fw.info.name and f.get("active") for f in answer.json()["frameworks"])
