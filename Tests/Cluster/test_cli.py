"""`corral execute` and `corral cluster` against the running cluster."""
import json
import re
import subprocess

from cluster import http_post
from schedulers import new_id


def corral(cluster, *args, timeout=90):
    p = subprocess.run([cluster.binary, *args], capture_output=True, text=True, timeout=timeout)
    print("$ corral %s -> %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def test_execute_true(cluster):
    name = new_id("cli-true")
    p = corral(cluster, "execute", "--master", cluster.leader.address, "--name", name,
               "--command", "true", "--resources", "cpus:0.1;mem:32")
    assert p.returncode == 0
    states = re.findall(r"Received status update (TASK_\w+) for task '%s'" % re.escape(name), p.stdout)
    assert states == ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"], states


def test_execute_exit_status(cluster):
    name = new_id("cli-seven")
    p = corral(cluster, "execute", "--master", cluster.zk_url, "--name", name,
               "--command", "exit 7", "--resources", "cpus:0.1;mem:32")
    assert p.returncode == 7
    states = re.findall(r"Received status update (TASK_\w+) for task '%s'" % re.escape(name), p.stdout)
    assert states == ["TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"], states


def test_execute_checkpoint(cluster):
    """--checkpoint makes the framework checkpoint: the agent then sets MESOS_CHECKPOINT=1."""
    for flags, status in ((["--checkpoint"], 0), ([], 1)):
        p = corral(cluster, "execute", "--master", cluster.zk_url, "--name", new_id("cli-checkpoint"),
                   "--command", 'test "$MESOS_CHECKPOINT" = 1', "--resources", "cpus:0.1;mem:32", *flags)
        assert p.returncode == status, (flags, p.returncode)


def test_cluster_agents(cluster):
    p = corral(cluster, "cluster", "agents", "--master", cluster.zk_url)
    assert p.returncode == 0
    ids = {s["id"] for s in _slaves(cluster)}
    for agent_id in ids:
        assert agent_id in p.stdout
    pj = corral(cluster, "cluster", "agents", "--master", cluster.zk_url, "--json")
    assert pj.returncode == 0
    doc = json.loads(pj.stdout)
    text = json.dumps(doc)
    for agent_id in ids:
        assert agent_id in text


def test_cluster_other_views_parse(cluster):
    for view in ("status", "frameworks", "tasks", "roles"):
        p = corral(cluster, "cluster", view, "--master", cluster.standby.address, "--json")
        assert p.returncode == 0, view
        json.loads(p.stdout)


def _slaves(cluster):
    from cluster import http_get
    return http_get(cluster.leader.port, "/master/slaves").json()["slaves"]


def test_execute_count(cluster):
    """`corral execute --count N`: a Swift framework launching several command tasks, every
    update acknowledged, exiting once all have finished."""
    name = new_id("cli-count")
    p = corral(cluster, "execute", "--master", cluster.zk_url, "--name", name, "--count", "6",
               "--command", "echo $MESOS_TASK_ID", "--resources", "cpus:0.1;mem:32")
    assert p.returncode == 0
    finished = set(re.findall(r"Received status update TASK_FINISHED for task '(%s-\d+)'" % re.escape(name), p.stdout))
    assert finished == {"%s-%d" % (name, i) for i in range(6)}, p.stdout


def test_agent_operator_calls(cluster):
    """The agent's POST /api/v1: GET_HEALTH, GET_STATE and GET_CONTAINERS answer in agent.proto's shape."""
    for agent in cluster.agents:
        health = http_post(agent.port, "/api/v1", {"type": "GET_HEALTH"})
        assert health.status == 200 and health.json()["get_health"]["healthy"] is True
        state = http_post(agent.port, "/api/v1", {"type": "GET_STATE"})
        assert state.status == 200 and "get_tasks" in state.json()["get_state"]
        containers = http_post(agent.port, "/api/v1", {"type": "GET_CONTAINERS"})
        assert containers.status == 200 and "containers" in containers.json()["get_containers"]
        assert http_post(agent.port, "/api/v1", {"type": "DRAIN_EVERYTHING"}).status == 400


def test_cluster_maintenance_bad_input(cluster):
    """Bad maintenance calls fail with a message and change nothing: a grace period that is
    not a duration or is out of range, and an agent the master has never admitted (404)."""
    for grace in ("soon", "-1s", "1e11s", "1e20s", "inf"):
        p = corral(cluster, "cluster", "drain", "S-none", "--grace", grace, "--master", cluster.zk_url)
        assert p.returncode != 0 and "--grace" in p.stderr, (grace, p.returncode, p.stderr)
    p = corral(cluster, "cluster", "deactivate", "no-such-agent", "--master", cluster.zk_url)
    assert p.returncode != 0 and "404" in p.stderr, p.stderr
    assert all(not s.get("deactivated") for s in _slaves(cluster))
