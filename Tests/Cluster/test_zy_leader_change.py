"""Runs after the other suites and before the teardown test (file order): the leading
master is killed while a pymesos framework, which finds the leader through Keeper (zk://),
has a task running. The standby must take over (it finds nothing listening where the
leader served and removes the dead leader's znode, without waiting for its Keeper
session), both agents must register with it again, the framework must subscribe again
with its id and get offers, and the task must keep running. The killed master is started
again and stands by, so the cluster is whole for the last test."""
import json
import signal
import time

from kazoo.client import KazooClient

from selenium.webdriver.common.by import By

from browser import open_page
from cluster import figure, http_get, wait_until
from schedulers import Framework, command_task, new_id


def test_agents_register_with_the_new_leader(cluster, browser):
    old = cluster.leader
    other = next(m for m in cluster.masters if m is not old)
    fw = Framework(cluster.zk_url, new_id("e2e-failover"), failover_timeout=120.0)
    survivor = new_id("survivor")
    fw.launcher.add(command_task(survivor, "sleep 600", mem=32))
    fw.start()
    try:
        fw.wait_state(survivor, "TASK_RUNNING", 60)
        offers_before = fw.scheduler.offers_seen
        registrations_before = fw.scheduler.registrations
        # The web UI open on the leader's agents page, and its list of masters read.
        open_page(cluster, browser, "#/agents", lambda d: "in all" in d.find_element(By.CSS_SELECTOR, ".tools").text,
                  "before-failover")
        time.sleep(6)  # a Keeper poll (every 5 s) has read the masters since the page loaded

        killed_at = time.monotonic()
        old.daemon.signal(signal.SIGKILL)
        old.daemon.proc.wait(timeout=10)

        def agents_back():
            r = http_get(other.port, "/master/slaves", timeout=3)
            if r.status != 200:
                return False
            ports = {s["port"] for s in r.json()["slaves"] if s.get("active")}
            return all(a.port in ports for a in cluster.agents)

        wait_until(agents_back, 60, "both agents registered with the new leader")
        agents_after = time.monotonic() - killed_at
        # The page went to the master still standing, which is now the leader.
        wait_until(lambda: ":%d/" % other.port in browser.current_url, 40, "the UI to follow the leader")
        assert browser.current_url.endswith("#/agents"), browser.current_url
        ui_after = time.monotonic() - killed_at
        figure("leader SIGKILLed: the web UI open on it showed the new leader's %.1f s later" % ui_after)
        fw.wait(lambda s: s.registrations > registrations_before and s.offers_seen > offers_before, 60,
                "the framework to subscribe again and get an offer from the new leader")
        offer_after = time.monotonic() - killed_at
        # pymesos retries the dead master first and sleeps its back-off (1.5-2.5 s).
        figure("leader SIGKILLed: both agents registered with the new leader %.2f s later, "
               "the pymesos framework's first offer from it %.2f s later" % (agents_after, offer_after))

        tasks = http_get(other.port, "/master/tasks", timeout=3).json()["tasks"]
        state = {t["id"]: t["state"] for t in tasks}
        assert state.get(survivor) == "TASK_RUNNING", state.get(survivor)
        assert fw.states(survivor) == ["TASK_STARTING", "TASK_RUNNING"], fw.states(survivor)
        assert fw.scheduler.framework_id == fw.id

        # The new leader claimed the registry the old one wrote: the agents and the
        # framework are in it, and its root names the new leader.
        zk = KazooClient(cluster.zk_hosts, timeout=10)
        zk.start(timeout=15)
        try:
            agents = set(zk.get_children("/mesos/registry/agents"))
            frameworks = set(zk.get_children("/mesos/registry/frameworks"))
            claimed_by = json.loads(zk.get("/mesos/registry")[0])["leader"]
        finally:
            zk.stop()
            zk.close()
        slaves = http_get(other.port, "/master/slaves", timeout=3).json()["slaves"]
        assert {s["id"] for s in slaves} <= agents, (slaves, agents)
        assert fw.id in frameworks, (fw.id, frameworks)
        assert claimed_by == http_get(other.port, "/master/state", timeout=3).json()["id"]

        after = new_id("after-failover")
        fw.launcher.add(command_task(after, "true", mem=32))
        fw.wait_state(after, "TASK_FINISHED", 60)
    finally:
        fw.stop()

    old.daemon.start()
    wait_until(lambda: http_get(old.port, "/master/state", timeout=3).status == 307, 60,
               "the restarted master to stand by")
