"""The masters' election in Keeper as clients read it, and what a standby answers."""
import json
import re

from kazoo.client import KazooClient

from cluster import http_get, http_post


def test_keeper_layout_is_what_pymesos_reads(cluster):
    """Under /mesos the json.info_NNNNNNNNNN children and the persistent `registry` (pymesos
    takes the smallest name of all children but log_replicas, and `registry` sorts after
    every json.info_ name); the smallest holds the leader's MasterInfo."""
    zk = KazooClient(cluster.zk_hosts, timeout=10)
    zk.start(timeout=15)
    try:
        all_children = sorted(zk.get_children("/mesos"))
        assert "registry" in all_children, all_children
        assert zk.exists("/mesos/registry").ephemeralOwner == 0
        assert min(c for c in all_children if c != "log_replicas").startswith("json.info_"), all_children
        children = [c for c in all_children if c != "registry"]
        stat = zk.exists("/mesos")
        infos = {c: json.loads(zk.get("/mesos/" + c)[0]) for c in children}
        owners = {c: zk.exists("/mesos/" + c).ephemeralOwner for c in children}
    finally:
        zk.stop()
        zk.close()
    print("children of /mesos:", children)
    assert stat.ephemeralOwner == 0, "/mesos must be persistent"
    assert len(children) == len(cluster.masters), children
    for c in children:
        assert re.fullmatch(r"json\.info_\d{10}", c), "unexpected child %r of /mesos" % c
        assert owners[c] != 0, "%s must be ephemeral" % c
    lowest = infos[min(children)]
    leader = cluster.leader
    print("lowest:", lowest)
    assert lowest["address"]["ip"] == "127.0.0.1"
    assert lowest["address"]["port"] == leader.port
    assert lowest["port"] == leader.port
    # Mesos writes the IPv4 address as the integer of its network-order bytes.
    assert isinstance(lowest["ip"], int) and lowest["ip"] == 0x0100007F, lowest["ip"]
    assert lowest["pid"] == "master@127.0.0.1:%d" % leader.port
    assert lowest.get("id") and lowest.get("hostname")
    assert re.fullmatch(r"\d+\.\d+\.\d+", lowest["version"]), lowest["version"]
    # The standby's node is there too, with its own address.
    others = [infos[c]["address"]["port"] for c in children if c != min(children)]
    assert others == [cluster.standby.port]


def test_standby_redirects_scheduler_calls(cluster):
    leader, standby = cluster.leader, cluster.standby
    r = http_post(standby.port, "/api/v1/scheduler",
                  {"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "x", "name": "y"}}},
                  headers={"Accept": "application/json", "Connection": "close"})
    print("standby SUBSCRIBE:", r)
    assert r.status == 307, r
    assert r.header("Location") == "//127.0.0.1:%d/api/v1/scheduler" % leader.port, r


def test_standby_redirects_state(cluster):
    leader, standby = cluster.leader, cluster.standby
    r = http_get(standby.port, "/master/state")
    assert r.status == 307, r
    assert r.header("Location") == "//127.0.0.1:%d/master/state" % leader.port, r


def test_master_redirect_points_at_the_leader(cluster):
    """Mesos' /master/redirect answers every master's request with the leader's base URL
    `//host:port` (a path would make the leader redirect again)."""
    leader, standby = cluster.leader, cluster.standby
    on_leader = http_get(leader.port, "/master/redirect")
    on_standby = http_get(standby.port, "/master/redirect")
    print("leader:", on_leader, "standby:", on_standby)
    assert on_leader.status == 307 and on_leader.header("Location") == "//127.0.0.1:%d" % leader.port
    assert on_standby.status == 307, on_standby
    assert on_standby.header("Location") == "//127.0.0.1:%d" % leader.port, on_standby


def test_version_is_numeric(cluster):
    for m in cluster.masters:
        r = http_get(m.port, "/version")
        assert r.status == 200, r
        v = r.json()["version"]
        assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
        assert all(int(p) >= 0 for p in v.split("."))
