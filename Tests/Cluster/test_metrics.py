"""`GET /metrics` on every daemon of the session's cluster, read with Prometheus' own
parser (prometheus-client): three Keeper servers on metricsProvider.httpPort under
ZooKeeper's names, both masters, both agents. The values follow the work: a task
launched and killed moves the running-task gauges of the master and its agent, which
match /master/state at every step; a request counter grows with the requests made. And
the Grafana dashboard's queries, run by a real Prometheus scraping the cluster."""
import contextlib
import json
import os
import shutil
import urllib.parse

from prometheus_client.parser import text_string_to_metric_families

from cluster import ROOT, Daemon, free_ports, http_get, wait_until
from schedulers import Framework, new_id, sleeper_task

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def scrape(port):
    """{(name, ((label, value), ...)): value} of every sample one /metrics answer holds."""
    r = http_get(port, "/metrics")
    assert r.status == 200, r
    assert r.header("Content-Type") == CONTENT_TYPE, r.headers
    samples = {}
    for family in text_string_to_metric_families(r.body.decode()):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def running_in_state(master_port):
    state = http_get(master_port, "/master/state").json()
    return sum(1 for f in state["frameworks"] for t in f["tasks"] if t["state"] == "TASK_RUNNING")


def test_keeper_servers_report_under_zookeepers_names(cluster):
    def settled():
        scraped = [scrape(p) for p in cluster.keeper_metrics_ports]
        counts = {value(s, "znode_count") for s in scraped}
        return scraped if len(counts) == 1 else None
    scraped = wait_until(settled, 20, "the three servers to hold as many znodes")
    modes = [next(m for m in ("leader", "follower") if value(s, "corral_keeper_mode", mode=m) == 1) for s in scraped]
    assert sorted(modes) == ["follower", "follower", "leader"], modes
    leader = scraped[modes.index("leader")]
    assert value(leader, "znode_count") > 4  # the masters' and agents' znodes
    assert value(leader, "proposal_latency_count") > 0
    assert value(leader, "synced_followers") == 2 and value(leader, "quorum_size") == 3
    assert value(leader, "learners") == 2
    lags = [value(leader, "corral_keeper_follower_lag", server=server) for server in ("1", "2", "3")]
    assert sorted(lag is None for lag in lags) == [False, False, True], lags  # the two followers
    assert all(lag is None or 0 <= lag <= 50 for lag in lags), lags
    for s, mode in zip(scraped, modes):
        assert value(s, "fsynctime_count") > 0
        assert value(s, "election_time_count") >= 1 and value(s, "looking_count_total") >= 1
        assert value(s, "num_alive_connections") >= 0
        if mode == "follower":
            assert value(s, "commit_propagation_latency_count") > 0
    assert sum(value(s, "global_sessions") for s in scraped) >= 1


def test_masters_and_agents_follow_the_work(cluster):
    leader, standby = cluster.leader, cluster.standby
    assert value(scrape(standby.port), "corral_master_elected") == 0
    before = scrape(leader.port)
    assert value(before, "corral_master_elected") == 1
    assert value(before, "corral_master_agents", state="connected") == len(cluster.agents)
    assert value(before, "corral_master_resources", resource="cpus", kind="total") == 2 * len(cluster.agents)

    route = dict(route="/master/state", method="GET", code="200")
    requests_before = value(before, "corral_http_requests_total", **route) or 0
    for _ in range(3):
        assert http_get(leader.port, "/master/state").status == 200
    assert value(scrape(leader.port), "corral_http_requests_total", **route) >= requests_before + 3

    def gauges_match_state():
        """The running-task gauges of the master and the agents, as /master/state says."""
        in_state = running_in_state(leader.port)
        master = value(scrape(leader.port), "corral_master_tasks", state="TASK_RUNNING")
        agents = sum(value(scrape(a.port), "corral_agent_tasks", state="TASK_RUNNING") for a in cluster.agents)
        return [in_state] if master == in_state == agents else None

    [running_before] = wait_until(gauges_match_state, 20, "running-task gauges to match /master/state")
    fw = Framework(leader.address, new_id("e2e-metrics"))
    tid = new_id("metrics-sleeper")
    fw.launcher.add(sleeper_task(tid, "/dev/null"))
    with fw:
        fw.wait_state(tid, "TASK_RUNNING", 60)
        wait_until(lambda: gauges_match_state() == [running_before + 1], 20,
                   "the running-task gauges to count the new task")
        used = value(scrape(leader.port), "corral_master_resources", resource="cpus", kind="used")
        assert used >= 0.1
        fw.driver.killTask({"value": tid})
        fw.wait_state(tid, "TASK_KILLED", 30)
        wait_until(lambda: gauges_match_state() == [running_before], 20,
                   "the running-task gauges to drop the killed task")
    for a in cluster.agents:
        samples = scrape(a.port)
        assert value(samples, "corral_agent_registered") == 1
        assert value(samples, "corral_agent_resources", resource="cpus", kind="total") == 2
        assert value(samples, "corral_agent_status_update_retries_total") is not None
    allocation = value(scrape(leader.port), "corral_master_allocation_duration_seconds_count")
    assert allocation and allocation > 0


DASHBOARD = os.path.join(ROOT, "dashboards", "corral-overview.json")


def dashboard_queries():
    """(panel title, PromQL) of every target of the Grafana dashboard, with Grafana's
    `$__rate_interval` as a fixed window."""
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    queries = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queries.append((panel["title"], target["expr"].replace("$__rate_interval", "10s")))
    return queries


@contextlib.contextmanager
def prometheus_scraping(cluster, jobs, directory):
    """Debian's Prometheus scraping `jobs` ({job: [host:port]}) every second, until every
    target is up; yields query(expr) -> the instant vector's series."""
    binary = shutil.which("prometheus")
    assert binary, "no prometheus on PATH: install Debian's prometheus package (scripts/test does as root)"
    [port] = free_ports(1)
    config = directory / "prometheus.yml"
    config.write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": targets}]} for job, targets in jobs.items()],
    }))
    prometheus = Daemon("prometheus", [binary, "--config.file=%s" % config, "--storage.tsdb.path=%s" % (directory / "data"),
                                       "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"],
                        os.path.join(cluster.workdir, "prometheus.log")).start()
    try:
        def query(expr):
            answer = http_get(port, "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
            assert answer.status == 200, (expr, answer)
            return answer.json()["data"]["result"]

        count = sum(len(targets) for targets in jobs.values())

        def all_up():
            prometheus.check_alive()
            targets = http_get(port, "/api/v1/targets").json()["data"]["activeTargets"]
            return len(targets) == count and all(t["health"] == "up" for t in targets)
        wait_until(all_up, 30, "Prometheus to scrape all %d targets" % count)
        yield query
    finally:
        prometheus.signal(15)
        prometheus.proc.wait(10)


def test_the_grafana_dashboard_answers_from_prometheus(cluster, tmp_path):
    """Prometheus scrapes every daemon of the cluster; each query of the dashboard is valid
    PromQL and, but for the Apps panels (test_apps.py checks those), returns series."""
    jobs = {
        "keeper": ["127.0.0.1:%d" % p for p in cluster.keeper_metrics_ports],
        "master": [m.address for m in cluster.masters],
        "agent": [a.address for a in cluster.agents],
    }
    with prometheus_scraping(cluster, jobs, tmp_path) as query:
        queries = dashboard_queries()
        assert len(queries) >= 25
        for title, expr in queries:
            if title.startswith("Apps"):
                query(expr)  # valid PromQL; no Apps instance runs beside this cluster now
                continue
            wait_until(lambda: query(expr), 20, "series for %r: %s" % (title, expr))
        leading = query("max by (instance) (corral_master_elected) == 1")
        assert [r["metric"]["instance"] for r in leading] == [cluster.leader.address]
