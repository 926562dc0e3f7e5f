"""The ZooKeeper C client (libzookeeper-mt, through its sample shell cli_mt) against
the server: CRUD and error codes, node modes (ephemeral, sequential, container, TTL),
watches and their order, digest auth, config and reconfig."""
import re
import time

import pytest

from cli import Session, batch, catch_up, children_of, rc_of, stat_of, value_of
from interop import helpers

ZOK, ZNONODE, ZNOAUTH, ZBADVERSION = 0, -101, -102, -103
ZNODEEXISTS, ZNOTEMPTY, ZNOCHILDRENFOREPHEMERALS = -110, -111, -108
ZBADARGUMENTS, ZRECONFIGDISABLED = -8, -123


@pytest.fixture
def root(request):
    out = batch("create /cli_mt")
    assert rc_of(out, "/cli_mt") in (ZOK, ZNODEEXISTS)
    path = "/cli_mt/" + helpers.unique(request.node.name[:40])
    assert rc_of(batch("create " + path), path) == ZOK
    return path


@pytest.fixture
def session():
    sessions = []

    def open_session():
        s = Session()
        sessions.append(s)
        return s

    yield open_session
    for s in sessions:
        s.close()


def test_create_and_get(root):
    path = root + "/n"
    out = batch("create " + path)
    assert "Creating [%s] node (mode: 0)" % path in out
    assert rc_of(out, path) == ZOK
    assert re.search(r"^\tname = %s$" % re.escape(path), out, re.M)
    out = batch("get " + path)
    assert rc_of(out, path) == ZOK
    assert value_of(out) == "new"  # cli_mt always creates with data "new"
    stat = stat_of(out)
    assert stat["version"] == 0 and stat["aversion"] == 0
    assert stat["czxid"] == stat["mzxid"] > 0
    assert stat["ephemeralOwner"] == 0


def test_create2_prints_stat(root):
    out = batch("create2 " + root + "/n")
    assert rc_of(out, root + "/n") == ZOK
    stat = stat_of(out)
    assert stat["czxid"] == stat["mzxid"] > 0
    assert stat["version"] == 0


def test_set_changes_data_and_version(root):
    path = root + "/n"
    batch("create " + path)
    out = batch("set %s hello interop world" % path)
    assert rc_of(out, path) == ZOK
    before = stat_of(out)
    assert before["version"] == 1
    assert before["mzxid"] > before["czxid"]
    out = batch("get " + path)
    assert value_of(out) == "hello interop world"
    assert stat_of(out)["mzxid"] == before["mzxid"]


def test_ls_and_ls2(root):
    for name in ["c", "a", "b"]:
        batch("create %s/%s" % (root, name))
    assert children_of(batch("ls " + root), root) == ["a", "b", "c"]
    out = batch("ls2 " + root)
    assert children_of(out, root) == ["a", "b", "c"]
    assert "czxid=" in out


def test_ls_root_includes_zookeeper():
    assert "zookeeper" in children_of(batch("ls /"), "/")
    assert children_of(batch("ls /zookeeper"), "/zookeeper") == ["config", "quota"]


def test_delete(root):
    path = root + "/n"
    batch("create " + path)
    assert rc_of(batch("delete " + path), path) == ZOK
    assert rc_of(batch("get " + path), path) == ZNONODE


@pytest.mark.parametrize(
    "setup,cmd,label,rc",
    [
        ([], "get {r}/missing", "{r}/missing", ZNONODE),
        ([], "ls {r}/missing", "{r}/missing", ZNONODE),
        ([], "set {r}/missing x", "{r}/missing", ZNONODE),
        ([], "delete {r}/missing", "{r}/missing", ZNONODE),
        ([], "create {r}/missing/child", "{r}/missing/child", ZNONODE),
        (["create {r}/n"], "create {r}/n", "{r}/n", ZNODEEXISTS),
        (["create {r}/n", "create {r}/n/c"], "delete {r}/n", "{r}/n", ZNOTEMPTY),
        ([], "create /zookeeper", "/zookeeper", ZNODEEXISTS),
        ([], "delete /zookeeper", "/zookeeper", ZBADARGUMENTS),
    ],
    ids=["get", "ls", "set", "delete", "create-no-parent", "exists", "not-empty",
         "create-system", "delete-system"],
)
def test_error_codes(root, setup, cmd, label, rc):
    for step in setup:
        batch(step.format(r=root))
    assert rc_of(batch(cmd.format(r=root)), label.format(r=root)) == rc


def test_sequential_nodes(root):
    batch("create %s/x" % root)
    first = batch("create +s %s/s-" % root)
    assert "(mode: 2)" in first
    assert re.search(r"^\tname = %s/s-0000000001$" % re.escape(root), first, re.M)
    second = batch("create +s %s/s-" % root)
    assert re.search(r"^\tname = %s/s-0000000002$" % re.escape(root), second, re.M)


def test_sync(root):
    out = batch("sync " + root)
    assert rc_of(out, root) == ZOK
    assert re.search(r"^\tname = %s$" % re.escape(root), out, re.M)


def test_exists(session, root):
    s = session()
    s.catch_up()
    s.send("exists %s/missing" % root)
    s.expect(r"^Error -101 for %s/missing$" % re.escape(root))
    s.send("exists " + root)  # prints nothing on success
    s.barrier()
    assert not s.seen(r"^Error .* for %s$" % re.escape(root))


def test_ephemeral_belongs_to_session_and_dies_with_it(session, root):
    s = session()
    s.send("create +e %s/eph" % root)
    s.expect(r"^\[%s/eph\]: rc = 0$" % re.escape(root))
    catch_up()
    out = batch("get %s/eph" % root)
    assert stat_of(out)["ephemeralOwner"] == s.session_id
    s.send("create +e %s/eph/child" % root)
    s.expect(r"^\[%s/eph/child\]: rc = %d$" % (re.escape(root), ZNOCHILDRENFOREPHEMERALS))
    s.send("create +es %s/eseq-" % root)
    s.expect(r"^\tname = %s/eseq-0000000001$" % re.escape(root))
    s.close()  # zookeeper_close ends the session
    catch_up()
    assert children_of(batch("ls " + root), root) == []


def test_container_is_reaped(session, root, server_config):
    interval = int(server_config["znode.container.checkIntervalMs"]) / 1000.0
    out = batch("create +c %s/container" % root)
    assert "(mode: 4)" in out and rc_of(out, root + "/container") == ZOK
    batch("create %s/container/child" % root)
    batch("delete %s/container/child" % root)
    helpers.wait_until(
        lambda: rc_of(batch("get %s/container" % root), root + "/container") == ZNONODE,
        timeout=max(10.0, 6 * interval), interval=0.3, what="the container to be reaped")


def test_ttl_node_expires(root, server_config):
    interval = int(server_config["znode.container.checkIntervalMs"]) / 1000.0
    out = batch("create +t=300 %s/ttl" % root)
    assert "(mode: 5)" in out and rc_of(out, root + "/ttl") == ZOK
    helpers.wait_until(
        lambda: rc_of(batch("get %s/ttl" % root), root + "/ttl") == ZNONODE,
        timeout=max(10.0, 6 * interval), interval=0.3, what="the TTL node to expire")


def test_sequential_ttl_node(root):
    out = batch("create +st=60000 %s/ttl-" % root)
    assert "(mode: 6)" in out
    assert re.search(r"^\tname = %s/ttl-0000000000$" % re.escape(root), out, re.M)


def test_data_watch_fires_on_other_clients_set(session, root):
    path = root + "/w"
    batch("create " + path)
    s = session()
    s.catch_up()
    s.send("get " + path)  # cli_mt's get sets a watch
    s.expect(r"^%s: rc = 0$" % re.escape(path))
    batch("set %s changed" % path)
    s.expect(r"^Watcher CHANGED_EVENT state = CONNECTED_STATE for path %s$" % re.escape(path))
    # One-shot: a second change without a new read does not fire again.
    batch("set %s again" % path)
    s.barrier()
    assert len(s.seen(r"CHANGED_EVENT")) == 1


def test_watch_event_precedes_own_write_reply(session, root):
    path = root + "/w"
    batch("create " + path)
    s = session()
    s.catch_up()
    s.send("get " + path)
    s.expect(r"^%s: rc = 0$" % re.escape(path))
    s.send("set %s mine" % path)
    s.expect(r"^%s: rc = 0 Stat:$" % re.escape(path))
    lines = s.text().splitlines()
    event = lines.index("Watcher CHANGED_EVENT state = CONNECTED_STATE for path " + path)
    reply = lines.index(path + ": rc = 0 Stat:")
    assert event < reply


def test_child_watch(session, root):
    s = session()
    s.catch_up()
    s.send("ls " + root)
    s.expect(r"^%s: rc = 0$" % re.escape(root))
    batch("create %s/kid" % root)
    s.expect(r"^Watcher CHILD_EVENT state = CONNECTED_STATE for path %s$" % re.escape(root))
    s.send("ls " + root)
    s.expect(r"^%s: rc = 0$" % re.escape(root))
    batch("delete %s/kid" % root)
    s.expect(r"^Watcher CHILD_EVENT state = CONNECTED_STATE for path %s$" % re.escape(root))


def test_exists_watch_on_missing_node(session, root):
    s = session()
    s.send("wexists %s/later" % root)
    s.expect(r"^Error -101 for %s/later$" % re.escape(root))
    batch("create %s/later" % root)
    s.expect(r"^Watcher CREATED_EVENT state = CONNECTED_STATE for path %s/later$" % re.escape(root))


def test_deleted_event(session, root):
    path = root + "/doomed"
    batch("create " + path)
    s = session()
    s.catch_up()
    s.send("get " + path)
    s.expect(r"^%s: rc = 0$" % re.escape(path))
    batch("delete " + path)
    s.expect(r"^Watcher DELETED_EVENT state = CONNECTED_STATE for path %s$" % re.escape(path))


def test_digest_auth(session, root):
    from kazoo.client import KazooClient
    from kazoo.security import make_digest_acl

    path = root + "/secret"
    zk = KazooClient(hosts=helpers.hosts())
    zk.start(timeout=15)
    try:
        zk.create(path, b"classified", acl=[make_digest_acl("cuser", "cpass", all=True)])
    finally:
        zk.stop()
        zk.close()
    catch_up()
    assert rc_of(batch("get " + path), path) == ZNOAUTH
    assert rc_of(batch("set %s x" % path), path) == ZNOAUTH
    s = session()
    s.catch_up()
    s.send("addauth digest cuser:wrong")
    s.send("get " + path)
    s.expect(r"^%s: rc = %d$" % (re.escape(path), ZNOAUTH))
    s.send("addauth digest cuser:cpass")
    s.send("get " + path)
    s.expect(r"^%s: rc = 0$" % re.escape(path))
    s.expect(r"^ value_len = 10$")
    s.expect(r"classified")


def test_auth_failure_ends_session(session):
    s = session()
    s.send("addauth nosuchscheme whatever")
    s.expect(r"^Authentication failure\. Shutting down\.\.\.$")


def test_config_node(root, server_config):
    out = batch("config")
    assert rc_of(out, "/zookeeper/config") == ZOK
    members = helpers.config_node_members(server_config)
    if not helpers.is_ensemble():
        assert value_of(out) == ""  # standalone: no dynamic configuration
    else:
        # An ensemble's members, as ZooKeeper 3.8 writes them (reconfig disabled or not).
        lines = value_of(out).splitlines()
        assert lines, "/zookeeper/config is empty; in an ensemble it lists the members"
        assert re.fullmatch(r"version=[0-9a-f]+", lines[-1]), lines
        if members is not None:
            assert lines[:-1] == members
    assert stat_of(out)["aversion"] == 0xFFFFFFFF  # aversion -1


def test_reconfig_is_disabled():
    out = batch("reconfig -remove 3")
    assert rc_of(out, "-remove 3") == ZRECONFIGDISABLED


def test_session_ids_are_distinct(session):
    a, b = session(), session()
    assert a.session_id != b.session_id
    assert a.session_id != 0


def test_async_commands(session, root):
    s = session()
    for i in range(10):
        s.send("acreate %s/n%d" % (root, i))
    for i in range(10):
        s.expect(r"^\[%s/n%d\]: rc = 0$" % (re.escape(root), i))
    s.send("als " + root)
    s.expect(r"^%s: rc = 0$" % re.escape(root))
    s.expect(r"^time = \d+ msec$")  # printed after the children
    assert children_of(s.text() + "\n", root) == sorted("n%d" % i for i in range(10))


@pytest.mark.skipif(not helpers.is_ensemble(), reason="standalone: no other server to move to")
def test_session_moves_to_another_server_with_its_ephemerals_and_watches(root):
    # The C client re-registers its watches (SetWatches) when it reconnects. A proxy in
    # front of each of two servers lets the test cut the client's connection: it then
    # reconnects through the other proxy, to the other server, on the same session.
    from interop.proxy import Proxy

    proxies = [Proxy(server) for server in helpers.host_ports()[:2]]
    s = Session(hosts=",".join(p.address for p in proxies))
    try:
        r = re.escape(root)
        batch("create %s/w" % root)
        s.send("create +e %s/eph" % root)
        s.expect(r"^\[%s/eph\]: rc = 0$" % r)
        s.catch_up()
        s.send("get %s/w" % root)  # data watch
        s.expect(r"^%s/w: rc = 0$" % r)
        s.send("ls " + root)  # child watch
        s.expect(r"^%s: rc = 0$" % r)
        s.send("wexists %s/later" % root)  # exists watch on a missing node
        s.expect(r"^Error -101 for %s/later$" % r)
        (before,) = [i for i, p in enumerate(proxies) if p.active()]
        proxies[before].cut()
        s.expect(r"^Watcher SESSION_EVENT state = CONNECTED_STATE$", timeout=20)
        assert proxies[1 - before].active() == 1
        assert len(s.seen(r"^Got a new session id")) == 1, s.text()
        assert not s.seen(r"EXPIRED_SESSION_STATE"), s.text()
        # The watches came along to the other server.
        batch("set %s/w moved" % root)
        s.expect(r"^Watcher CHANGED_EVENT state = CONNECTED_STATE for path %s/w$" % r)
        batch("create %s/later" % root)
        s.expect(r"^Watcher CREATED_EVENT state = CONNECTED_STATE for path %s/later$" % r)
        helpers.wait_until(lambda: s.seen(r"^Watcher CHILD_EVENT state = CONNECTED_STATE for path %s$" % r),
                           timeout=15, what="the child watch to fire")
        # So did the session with its ephemeral, and it still writes.
        catch_up()
        assert stat_of(batch("get %s/eph" % root))["ephemeralOwner"] == s.session_id
        s.send("create +e %s/eph2" % root)
        s.expect(r"^\[%s/eph2\]: rc = 0$" % r)
        s.close()
        catch_up()
        assert children_of(batch("ls " + root), root) == ["later", "w"]
    finally:
        s.close()
        for p in proxies:
            p.cut()
