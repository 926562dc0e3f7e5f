"""Every watch kind kazoo can set, one-shot semantics, which writes fire what, and the
order of watch events relative to replies on the wire."""
import uuid

import pytest
from kazoo.recipe.watchers import ChildrenWatch, DataWatch
from kazoo.security import make_digest_acl

from interop import helpers

WATCH_XID = -1
PING_XID = -2


class FrameLog:
    """Records the xid of every frame kazoo reads from the server, in wire order."""

    def __init__(self, client):
        self.frames = []
        conn = client._connection
        original = conn._read_header

        def read_header(timeout):
            header, buf, offset = original(timeout)
            if header.xid != PING_XID:
                self.frames.append(header.xid)
            return header, buf, offset

        conn._read_header = read_header

    def clear(self):
        del self.frames[:]

    def kinds(self):
        return ["event" if xid == WATCH_XID else "reply" for xid in self.frames]


# --- data watches (getData) --------------------------------------------------------

def test_data_watch_fires_once_on_set(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n", b"0")
    events = recorder()
    zk.get(root + "/n", watch=events)
    other.set(root + "/n", b"1")
    (event,) = events.wait(1)
    assert (event.type, event.path, event.state) == ("CHANGED", root + "/n", "CONNECTED")
    other.set(root + "/n", b"2")
    events.quiet()


def test_data_watch_fires_deleted(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    events = recorder()
    zk.get(root + "/n", watch=events)
    other.delete(root + "/n")
    (event,) = events.wait(1)
    assert (event.type, event.path) == ("DELETED", root + "/n")


def test_data_watch_not_fired_by_children_or_acl(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    events = recorder()
    zk.get(root + "/n", watch=events)
    other.create(root + "/n/child")
    other.set(root + "/n/child", b"x")
    other.delete(root + "/n/child")
    other.set_acls(root + "/n", zk.get_acls(root + "/n")[0])
    events.quiet()
    other.set(root + "/n", b"now")
    assert events.wait(1)[0].type == "CHANGED"


def test_data_watch_rearmed_by_next_read(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    events = recorder()
    for i in range(3):
        zk.get(root + "/n", watch=events)
        other.set(root + "/n", str(i).encode())
        events.wait(i + 1)
    assert [e.type for e in events.events] == ["CHANGED"] * 3


def test_get_on_missing_node_sets_no_watch(zk, make_client, root, recorder):
    from kazoo.exceptions import NoNodeError
    other = make_client()
    events = recorder()
    with pytest.raises(NoNodeError):
        zk.get(root + "/later", watch=events)
    other.create(root + "/later")
    events.quiet()


# --- exists watches ------------------------------------------------------------

def test_exists_watch_on_missing_node_fires_created(zk, make_client, root, recorder):
    other = make_client()
    events = recorder()
    assert zk.exists(root + "/later", watch=events) is None
    other.create(root + "/later", b"x")
    (event,) = events.wait(1)
    assert (event.type, event.path) == ("CREATED", root + "/later")
    other.set(root + "/later", b"y")
    events.quiet()


def test_exists_watch_on_existing_node(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    changed = recorder()
    zk.exists(root + "/n", watch=changed)
    other.set(root + "/n", b"1")
    assert changed.wait(1)[0].type == "CHANGED"
    deleted = recorder()
    zk.exists(root + "/n", watch=deleted)
    other.delete(root + "/n")
    assert deleted.wait(1)[0].type == "DELETED"


def test_exists_watch_on_missing_node_survives_unrelated_writes(zk, make_client, root, recorder):
    other = make_client()
    events = recorder()
    zk.exists(root + "/later", watch=events)
    other.create(root + "/sibling")
    other.set(root, b"parent data")
    events.quiet()
    other.create(root + "/later")
    assert events.wait(1)[0].type == "CREATED"


# --- child watches -------------------------------------------------------------

def test_child_watch_fires_on_create(zk, make_client, root, recorder):
    other = make_client()
    events = recorder()
    assert zk.get_children(root, watch=events) == []
    other.create(root + "/c1")
    (event,) = events.wait(1)
    assert (event.type, event.path) == ("CHILD", root)
    other.create(root + "/c2")
    events.quiet()


def test_child_watch_fires_on_delete(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/c1")
    events = recorder()
    zk.get_children(root, watch=events)
    other.delete(root + "/c1")
    assert (events.wait(1)[0].type, events.events[0].path) == ("CHILD", root)


def test_child_watch_via_get_children2(zk, make_client, root, recorder):
    other = make_client()
    events = recorder()
    children, stat = zk.get_children(root, watch=events, include_data=True)
    assert (children, stat.numChildren) == ([], 0)
    other.create(root + "/c")
    assert events.wait(1)[0].type == "CHILD"


def test_child_watch_not_fired_by_data_changes(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/c")
    events = recorder()
    zk.get_children(root, watch=events)
    other.set(root, b"parent")
    other.set(root + "/c", b"child")
    other.create(root + "/c/grandchild")
    events.quiet()


def test_child_watch_on_root_reports_slash(zk, make_client, recorder):
    other = make_client()
    events = recorder()
    zk.get_children("/", watch=events)
    name = "/interop-root-%s" % uuid.uuid4().hex[:8]
    other.create(name)
    try:
        (event,) = events.wait(1)
        assert (event.type, event.path) == ("CHILD", "/")
    finally:
        other.delete(name)


def test_deleted_node_fires_data_and_child_watchers(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    data_events = recorder()
    child_events = recorder()
    parent_events = recorder()
    zk.get(root + "/n", watch=data_events)
    zk.get_children(root + "/n", watch=child_events)
    zk.get_children(root, watch=parent_events)
    frames = FrameLog(zk)
    other.delete(root + "/n")
    assert data_events.wait(1)[0].type == "DELETED"
    assert child_events.wait(1)[0].type == "DELETED"
    assert (parent_events.wait(1)[0].type, parent_events.events[0].path) == ("CHILD", root)
    # One NodeDeleted frame serves both watch kinds of one connection, plus the
    # parent's NodeChildrenChanged.
    helpers.wait_until(lambda: len(frames.frames) >= 2, what="two event frames")
    assert frames.kinds() == ["event", "event"]


def test_child_watcher_alone_gets_deleted(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    events = recorder()
    zk.get_children(root + "/n", watch=events)
    other.delete(root + "/n")
    assert (events.wait(1)[0].type, events.events[0].path) == ("DELETED", root + "/n")


def test_one_event_per_connection_for_duplicate_watches(zk, make_client, root, recorder):
    other = make_client()
    zk.create(root + "/n")
    a, b = recorder(), recorder()
    zk.get(root + "/n", watch=a)
    zk.exists(root + "/n", watch=b)
    frames = FrameLog(zk)
    other.set(root + "/n", b"x")
    a.wait(1)
    b.wait(1)
    assert frames.kinds() == ["event"]


def test_every_watching_client_is_notified(make_client, root, recorder):
    writer = make_client()
    writer.create(root + "/n")
    watchers = [make_client() for _ in range(5)]
    recorders = [recorder() for _ in watchers]
    for client, events in zip(watchers, recorders):
        helpers.catch_up(client, root)
        client.get(root + "/n", watch=events)
    writer.set(root + "/n", b"x")
    for events in recorders:
        assert events.wait(1)[0].type == "CHANGED"


# --- ordering ----------------------------------------------------------------------

def test_own_write_event_arrives_before_reply(zk, root, recorder):
    zk.create(root + "/n")
    events = recorder()
    zk.get(root + "/n", watch=events)
    frames = FrameLog(zk)
    zk.set(root + "/n", b"mine")
    assert frames.kinds() == ["event", "reply"]
    assert events.wait(1)[0].type == "CHANGED"


def test_own_delete_events_arrive_before_reply(zk, root, recorder):
    zk.create(root + "/n")
    data_events, child_events = recorder(), recorder()
    zk.exists(root + "/n", watch=data_events)
    zk.get_children(root, watch=child_events)
    frames = FrameLog(zk)
    zk.delete(root + "/n")
    assert frames.kinds() == ["event", "event", "reply"]
    data_events.wait(1)
    child_events.wait(1)


def test_event_arrives_before_data_read_after_change(zk, make_client, root, recorder):
    # ZooKeeper's guarantee: a client sees the watch event for a change before it can
    # read the changed data.
    other = make_client()
    zk.create(root + "/n", b"old")
    events = recorder()
    zk.get(root + "/n", watch=events)
    frames = FrameLog(zk)
    other.set(root + "/n", b"new")
    if helpers.is_ensemble():
        # zk's server may answer reads with the old data until it applies the change;
        # whenever the new data comes, the event came first.
        helpers.wait_until(lambda: zk.get(root + "/n")[0] == b"new", timeout=10,
                           what="zk's server to apply the change")
        stale = len(frames.frames) - 2
        assert frames.kinds() == ["reply"] * stale + ["event", "reply"]
    else:
        data, _ = zk.get(root + "/n")
        assert data == b"new"
        assert frames.kinds() == ["event", "reply"]


def test_transaction_events_in_op_order_before_reply(zk, root, recorder):
    zk.create(root + "/a")
    zk.create(root + "/b")
    seen = []
    zk.get(root + "/a", watch=lambda e: seen.append(("a", e.type)))
    zk.get(root + "/b", watch=lambda e: seen.append(("b", e.type)))
    zk.exists(root + "/c", watch=lambda e: seen.append(("c", e.type)))
    frames = FrameLog(zk)
    order = []
    original = zk._connection._read_watch_event

    def read_watch_event(buffer, offset):
        from kazoo.protocol.serialization import Watch
        order.append(Watch.deserialize(buffer, offset)[0].path)
        return original(buffer, offset)

    zk._connection._read_watch_event = read_watch_event
    t = zk.transaction()
    t.set_data(root + "/b", b"1")
    t.create(root + "/c")
    t.delete(root + "/a")
    assert t.commit() == [zk.exists(root + "/b"), root + "/c", True]
    assert frames.kinds()[:4] == ["event", "event", "event", "reply"]
    assert order == [root + "/b", root + "/c", root + "/a"]
    helpers.wait_until(lambda: len(seen) == 3, what="three callbacks")
    assert sorted(seen) == [("a", "DELETED"), ("b", "CHANGED"), ("c", "CREATED")]


# --- ACLs and watches ----------------------------------------------------------

def test_created_event_dropped_without_read_permission(make_client, root, recorder):
    # The server only delivers an event when the watching connection may READ the
    # node; the exists watch was set without any permission check.
    owner = make_client()
    owner.add_auth("digest", "owner:secret")
    watcher = make_client()
    created = recorder()
    children = recorder()
    watcher.exists(root + "/private", watch=created)
    watcher.get_children(root, watch=children)
    owner.create(root + "/private", acl=[make_digest_acl("owner", "secret", all=True)])
    # NodeChildrenChanged is checked against the parent's ACL, which is open.
    assert children.wait(1)[0].type == "CHILD"
    created.quiet(1.0)


# --- kazoo's watch recipes -----------------------------------------------------

def test_datawatch_recipe_follows_changes(zk, make_client, root):
    other = make_client()
    seen = []
    DataWatch(zk, root + "/n", lambda data, stat: seen.append(data))
    helpers.wait_until(lambda: seen == [None], what="initial DataWatch call")
    other.create(root + "/n", b"1")
    helpers.wait_until(lambda: seen[-1:] == [b"1"], what="DataWatch sees create")
    other.set(root + "/n", b"2")
    helpers.wait_until(lambda: seen[-1:] == [b"2"], what="DataWatch sees set")
    other.delete(root + "/n")
    helpers.wait_until(lambda: seen[-1:] == [None], what="DataWatch sees delete")


def test_childrenwatch_recipe_follows_changes(zk, make_client, root):
    other = make_client()
    seen = []
    ChildrenWatch(zk, root, lambda children: seen.append(sorted(children)))
    helpers.wait_until(lambda: seen == [[]], what="initial ChildrenWatch call")
    other.create(root + "/a")
    helpers.wait_until(lambda: seen[-1:] == [["a"]], what="ChildrenWatch sees a")
    other.create(root + "/b")
    helpers.wait_until(lambda: seen[-1:] == [["a", "b"]], what="ChildrenWatch sees b")
    other.delete(root + "/a")
    helpers.wait_until(lambda: seen[-1:] == [["b"]], what="ChildrenWatch sees delete")


# --- watches belong to the connection ----------------------------------------------

def _watchers_of(path, server):
    lines = helpers.four_letter("wchp", server=server).splitlines()
    if path not in lines:
        return []
    out = []
    for line in lines[lines.index(path) + 1:]:
        if not line.startswith("\t"):
            break
        out.append(line.strip())
    return out


def test_watches_die_with_the_connection(make_client, root, recorder):
    from kazoo.client import KazooState
    from kazoo.protocol.connection import _CONNECTION_DROP

    client = make_client()
    other = make_client()
    client.create(root + "/n")
    events = recorder()
    client.get(root + "/n", watch=events)
    session = "0x%x" % client.client_id[0]
    # A watch lives on the server the client is connected to (in an ensemble, one of
    # them), and only there.
    server = helpers.connected_server(client)
    assert _watchers_of(root + "/n", server) == [session]
    for elsewhere in set(helpers.host_ports()) - {server}:
        assert _watchers_of(root + "/n", elsewhere) == []
    states = []
    client.add_listener(states.append)
    client._call(_CONNECTION_DROP, client.handler.async_result())
    # Followed through the state listener: with several servers kazoo reconnects to the
    # next one at once, too quickly for polling client.connected to see the gap.
    helpers.wait_until(lambda: KazooState.SUSPENDED in states, timeout=5, what="disconnect")
    helpers.wait_until(lambda: client.connected and states[-1] == KazooState.CONNECTED,
                       timeout=15, what="reconnect")
    assert client.client_id[0] == int(session, 16)
    # kazoo never re-registers watches (no SetWatches), and the server dropped the old
    # connection's watches: nobody watches the node any more, on any server.
    helpers.wait_until(lambda: all(_watchers_of(root + "/n", s) == [] for s in helpers.host_ports()),
                       timeout=5, what="the old connection's watch to be gone")
    other.set(root + "/n", b"x")
    assert [e.type for e in events.wait(1)] == ["NONE"]  # kazoo's own disconnect event
    events.quiet()
