"""Requests kazoo has no method for, sent through kazoo's connection (see raw.py):
containers and TTL nodes (with extendedTypesEnabled=true and a short
znode.container.checkIntervalMs), getEphemerals, getAllChildrenNumber, whoAmI."""
import time

import pytest
from kazoo.exceptions import BadArgumentsError, NoNodeError, NodeExistsError
from kazoo.security import OPEN_ACL_UNSAFE

import raw
from interop import helpers

TTL_MAX = 0xFF_FFFF_FFFF


@pytest.fixture
def check_interval(server_config):
    return int(server_config["znode.container.checkIntervalMs"]) / 1000.0


def reap_timeout(check_interval):
    # The container manager runs every check interval; allow several rounds.
    return max(10.0, 6 * check_interval)


# --- containers --------------------------------------------------------------------

def test_create_container_returns_path_and_stat(zk, root):
    path, stat = raw.create_container(zk, root + "/c", b"data")
    assert path == root + "/c"
    assert stat.dataLength == 4
    assert stat.czxid == stat.mzxid == stat.pzxid
    # The container marker is not shown as an ephemeral owner.
    assert stat.ephemeralOwner == 0
    assert zk.exists(root + "/c") == stat
    with pytest.raises(NodeExistsError):
        raw.create_container(zk, root + "/c")


def test_container_is_reaped_after_last_child_goes(zk, make_client, root, recorder, check_interval):
    raw.create_container(zk, root + "/c")
    zk.create(root + "/c/child")
    deleted = recorder()
    parent_changed = recorder()
    observer = make_client()
    helpers.catch_up(observer, root)
    # The watches go on before the last child leaves: the reaper may run at once
    # after that, and a watch set on a node already reaped would wait for a create.
    assert observer.exists(root + "/c", watch=deleted) is not None
    observer.get_children(root, watch=parent_changed)
    zk.delete(root + "/c/child")
    (event,) = deleted.wait(1, timeout=reap_timeout(check_interval))
    assert (event.type, event.path) == ("DELETED", root + "/c")
    assert parent_changed.wait(1)[0].type == "CHILD"
    helpers.catch_up(zk, root)
    assert zk.exists(root + "/c") is None


def test_container_with_ephemeral_child_is_reaped_when_session_ends(make_client, root, check_interval):
    owner = make_client()
    observer = make_client()
    raw.create_container(observer, root + "/election")
    owner.create(root + "/election/member-", ephemeral=True, sequence=True)
    owner.stop()
    helpers.wait_until(lambda: observer.exists(root + "/election") is None,
                       timeout=reap_timeout(check_interval), what="container to be reaped")


def test_container_never_used_is_kept(zk, root, check_interval):
    raw.create_container(zk, root + "/c")
    time.sleep(2.5 * check_interval)
    assert zk.exists(root + "/c") is not None


def test_container_with_children_is_kept(zk, root, check_interval):
    raw.create_container(zk, root + "/c")
    zk.create(root + "/c/a")
    zk.create(root + "/c/b")
    zk.delete(root + "/c/a")
    time.sleep(2.5 * check_interval)
    assert zk.get_children(root + "/c") == ["b"]


@pytest.mark.quirk
def test_container_flag_on_plain_create_makes_persistent_node(zk, root, check_interval):
    # ZooKeeper picks the node type from the opcode: create (1) with the CONTAINER
    # flag stores an ordinary persistent node, which is never reaped.
    assert raw.call(zk, raw.CreateFlags(root + "/c", b"", OPEN_ACL_UNSAFE, 4)) == root + "/c"
    zk.create(root + "/c/child")
    zk.delete(root + "/c/child")
    time.sleep(2.5 * check_interval)
    assert zk.exists(root + "/c") is not None


# --- TTL nodes ---------------------------------------------------------------------

def test_create_ttl_returns_path_and_stat(zk, root):
    path, stat = raw.create_ttl(zk, root + "/t", 60_000, b"abc")
    assert path == root + "/t"
    assert stat.dataLength == 3
    assert stat.ephemeralOwner == 0  # the TTL encoding is not shown either
    assert zk.exists(root + "/t") == stat


def test_ttl_node_expires(zk, make_client, root, recorder, check_interval):
    observer = make_client()
    deleted = recorder()
    start = time.monotonic()
    raw.create_ttl(zk, root + "/t", 1000)
    helpers.catch_up(observer, root)
    # The TTL leaves time to set the watch while the node is there.
    assert observer.exists(root + "/t", watch=deleted) is not None
    (event,) = deleted.wait(1, timeout=reap_timeout(check_interval))
    assert (event.type, event.path) == ("DELETED", root + "/t")
    assert time.monotonic() - start >= 0.95


def test_ttl_sequential(zk, root):
    zk.create(root + "/x")
    path, _ = raw.create_ttl(zk, root + "/t-", 60_000, sequence=True)
    assert path == root + "/t-0000000001"


def test_ttl_node_with_children_is_kept_until_they_go(zk, root, check_interval):
    raw.create_ttl(zk, root + "/t", 100)
    zk.create(root + "/t/child")
    time.sleep(2.5 * check_interval)
    assert zk.exists(root + "/t") is not None
    zk.delete(root + "/t/child")
    helpers.wait_until(lambda: zk.exists(root + "/t") is None,
                       timeout=reap_timeout(check_interval), what="TTL node to expire")


def test_set_data_renews_ttl(zk, root, check_interval):
    ttl_ms = int(2500 * check_interval)
    raw.create_ttl(zk, root + "/t", ttl_ms)
    deadline = time.monotonic() + 2 * ttl_ms / 1000.0
    while time.monotonic() < deadline:
        zk.set(root + "/t", b"keepalive")
        time.sleep(ttl_ms / 4000.0)
    assert zk.exists(root + "/t") is not None
    helpers.wait_until(lambda: zk.exists(root + "/t") is None,
                       timeout=ttl_ms / 1000.0 + reap_timeout(check_interval),
                       what="TTL node to expire once no longer touched")


@pytest.mark.parametrize("ttl", [0, -1, -1000, TTL_MAX + 1])
def test_invalid_ttl_is_bad_arguments(zk, root, ttl):
    with pytest.raises(BadArgumentsError):
        raw.create_ttl(zk, root + "/t", ttl)


def test_max_ttl_is_accepted(zk, root):
    raw.create_ttl(zk, root + "/t", TTL_MAX)
    assert zk.exists(root + "/t") is not None


@pytest.mark.parametrize("flags", [0, 1, 2, 3, 4])
def test_create_ttl_with_non_ttl_flags_is_bad_arguments(zk, root, flags):
    with pytest.raises(BadArgumentsError):
        raw.call(zk, raw.CreateTTL(root + "/t", b"", OPEN_ACL_UNSAFE, flags, 1000))


@pytest.mark.parametrize("flags", [5, 6])
def test_ttl_flags_on_plain_create_are_bad_arguments(zk, root, flags):
    with pytest.raises(BadArgumentsError):
        raw.call(zk, raw.CreateFlags(root + "/t", b"", OPEN_ACL_UNSAFE, flags))


@pytest.mark.parametrize("flags", [7, 8, -1, 1 << 20])
def test_unknown_create_flags_are_bad_arguments(zk, root, flags):
    with pytest.raises(BadArgumentsError):
        raw.call(zk, raw.CreateFlags(root + "/n", b"", OPEN_ACL_UNSAFE, flags))
    assert zk.exists(root + "/n") is None


def test_ttl_create_under_missing_parent(zk, root):
    with pytest.raises(NoNodeError):
        raw.create_ttl(zk, root + "/missing/t", 1000)


# --- getEphemerals (103) ---------------------------------------------------------

def test_get_ephemerals_lists_own_session_only(make_client, root):
    me = make_client()
    other = make_client()
    me.create(root + "/a", ephemeral=True)
    me.create(root + "/ab", ephemeral=True)
    me.create(root + "/b", ephemeral=True)
    me.create(root + "/persistent")
    other.create(root + "/theirs", ephemeral=True)
    raw.create_container(me, root + "/container")
    raw.create_ttl(me, root + "/ttl", 60_000)
    assert sorted(raw.call(me, raw.GetEphemerals("/"))) == [root + "/a", root + "/ab", root + "/b"]
    assert sorted(raw.call(me, raw.GetEphemerals(""))) == [root + "/a", root + "/ab", root + "/b"]
    # The prefix is a plain string prefix, not a path-component match.
    assert sorted(raw.call(me, raw.GetEphemerals(root + "/a"))) == [root + "/a", root + "/ab"]
    assert raw.call(me, raw.GetEphemerals(root + "/zzz")) == []
    assert raw.call(other, raw.GetEphemerals(root)) == [root + "/theirs"]


def test_get_ephemerals_of_fresh_session_is_empty(zk):
    assert raw.call(zk, raw.GetEphemerals("/")) == []


# --- getAllChildrenNumber (104) --------------------------------------------------

def test_get_all_children_number_counts_descendants(zk, root):
    zk.create(root + "/a/b/c", makepath=True)
    zk.create(root + "/a/d")
    zk.create(root + "/e")
    assert raw.call(zk, raw.GetAllChildrenNumber(root)) == 5
    assert raw.call(zk, raw.GetAllChildrenNumber(root + "/a")) == 3
    assert raw.call(zk, raw.GetAllChildrenNumber(root + "/e")) == 0


def test_get_all_children_number_of_missing_node(zk, root):
    with pytest.raises(NoNodeError):
        raw.call(zk, raw.GetAllChildrenNumber(root + "/missing"))


def test_get_all_children_number_of_zookeeper_node(zk):
    assert raw.call(zk, raw.GetAllChildrenNumber("/zookeeper")) == 2


# --- whoAmI (107) ----------------------------------------------------------------

def test_who_am_i(make_client):
    client = make_client()
    assert raw.call(client, raw.WhoAmI()) == [("ip", "127.0.0.1")]
    client.add_auth("digest", "jane:pw")
    client.add_auth("digest", "kim:pw")
    # One entry per identity of the connection; ZooKeeper keeps them in a set, so the
    # order is unspecified.
    assert sorted(raw.call(client, raw.WhoAmI())) == [("digest", "jane"), ("digest", "kim"), ("ip", "127.0.0.1")]
