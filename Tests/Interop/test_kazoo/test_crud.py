"""CRUD through kazoo and the exact exception kazoo raises for each error code."""
import pytest
from kazoo.exceptions import (
    BadArgumentsError,
    BadVersionError,
    ConnectionLoss,
    NoChildrenForEphemeralsError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
)
from kazoo.security import OPEN_ACL_UNSAFE, READ_ACL_UNSAFE

from interop import helpers


def test_create_get_set_delete_roundtrip(zk, root):
    path = root + "/node"
    assert zk.create(path, b"hello") == path
    data, stat = zk.get(path)
    assert data == b"hello"
    assert stat.dataLength == 5
    stat2 = zk.set(path, b"world!")
    assert stat2.version == 1
    assert zk.get(path)[0] == b"world!"
    zk.delete(path)
    assert zk.exists(path) is None


def test_create2_returns_path_and_stat(zk, root):
    path, stat = zk.create(root + "/c2", b"abc", include_data=True)
    assert path == root + "/c2"
    assert stat.dataLength == 3
    assert stat.version == 0
    assert stat == zk.exists(root + "/c2")


def test_empty_data_round_trips(zk, root):
    zk.create(root + "/empty", b"")
    data, stat = zk.get(root + "/empty")
    assert data == b""
    assert stat.dataLength == 0


def test_binary_data_round_trips(zk, root):
    blob = bytes(range(256)) * 4
    zk.create(root + "/bin", blob)
    assert zk.get(root + "/bin")[0] == blob


def test_create_existing_raises_node_exists(zk, root):
    zk.create(root + "/dup")
    with pytest.raises(NodeExistsError):
        zk.create(root + "/dup")


def test_create_without_parent_raises_no_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.create(root + "/missing/child")


def test_makepath_creates_parents(zk, root):
    zk.create(root + "/a/b/c", b"x", makepath=True)
    assert zk.get(root + "/a/b/c")[0] == b"x"
    assert zk.get_children(root + "/a") == ["b"]


def test_reads_of_missing_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.get(root + "/nope")
    with pytest.raises(NoNodeError):
        zk.get_children(root + "/nope")
    with pytest.raises(NoNodeError):
        zk.get_acls(root + "/nope")
    assert zk.exists(root + "/nope") is None


def test_set_missing_raises_no_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.set(root + "/nope", b"x")


def test_delete_missing_raises_no_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.delete(root + "/nope")


def test_delete_with_children_raises_not_empty(zk, root):
    zk.create(root + "/p")
    zk.create(root + "/p/c")
    with pytest.raises(NotEmptyError):
        zk.delete(root + "/p")
    zk.delete(root + "/p", recursive=True)
    assert zk.exists(root + "/p") is None


def test_versioned_set_and_delete(zk, root):
    path = root + "/v"
    zk.create(path, b"0")
    with pytest.raises(BadVersionError):
        zk.set(path, b"x", version=5)
    assert zk.set(path, b"1", version=0).version == 1
    assert zk.set(path, b"2", version=1).version == 2
    assert zk.set(path, b"3", version=-1).version == 3
    with pytest.raises(BadVersionError):
        zk.delete(path, version=2)
    zk.delete(path, version=3)
    assert zk.exists(path) is None


def test_bad_version_checked_after_existence(zk, root):
    # A missing node is NONODE whatever version is given.
    with pytest.raises(NoNodeError):
        zk.set(root + "/nope", b"x", version=7)
    with pytest.raises(NoNodeError):
        zk.delete(root + "/nope", version=7)


def test_delete_checks_version_before_children(zk, root):
    zk.create(root + "/p")
    zk.create(root + "/p/c")
    with pytest.raises(BadVersionError):
        zk.delete(root + "/p", version=3)
    with pytest.raises(NotEmptyError):
        zk.delete(root + "/p", version=0)


def test_get_children_lists_direct_children_only(zk, root):
    for name in ["b", "a", "c"]:
        zk.create(root + "/" + name)
    zk.create(root + "/a/deep")
    assert sorted(zk.get_children(root)) == ["a", "b", "c"]
    children, stat = zk.get_children(root, include_data=True)
    assert sorted(children) == ["a", "b", "c"]
    assert stat.numChildren == 3


def test_ephemeral_cannot_have_children(zk, root):
    zk.create(root + "/eph", ephemeral=True)
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(root + "/eph/child")
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(root + "/eph/child", ephemeral=True)


def test_system_nodes(zk):
    assert "zookeeper" in zk.get_children("/")
    assert sorted(zk.get_children("/zookeeper")) == ["config", "quota"]
    acl, _ = zk.get_acls("/zookeeper")
    assert list(acl) == list(OPEN_ACL_UNSAFE)
    acl, stat = zk.get_acls("/zookeeper/config")
    assert list(acl) == list(READ_ACL_UNSAFE)
    assert stat.aversion == -1
    for path in ["/zookeeper", "/zookeeper/quota", "/zookeeper/config"]:
        with pytest.raises(NodeExistsError):
            zk.create(path)
        with pytest.raises(BadArgumentsError):
            zk.delete(path)


def test_root_cannot_be_created(zk):
    with pytest.raises(NodeExistsError):
        zk.create("/")


def test_root_delete_is_bad_arguments(zk):
    with pytest.raises(BadArgumentsError):
        zk.delete("/")


def test_sync_returns_path(zk, root):
    assert zk.sync(root) == root
    # sync does no path validation and no existence check.
    assert zk.sync(root + "/not-there") == root + "/not-there"


# Paths kazoo passes through unchanged (it only normalises slashes and rejects
# '.'/'..'); ZooKeeper's PathUtils.validatePath rejects them, on UTF-16 code units.
BAD_NAMES = [
    "nul\x00byte",
    "ctl\x01char",
    "ctl\x1fchar",
    "del\x7fchar",
    "c1\x85char",
    "c1\x9fchar",
    "private\ue000use",
    "private\uf8ffuse",
    "special\ufff0",
    "special\uffff",
    "emoji\U0001F600",  # non-BMP: a surrogate pair in UTF-16
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda n: n.encode("unicode_escape").decode())
def test_create_with_invalid_path_is_bad_arguments(zk, root, name):
    with pytest.raises(BadArgumentsError):
        zk.create(root + "/" + name)


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda n: n.encode("unicode_escape").decode())
def test_set_with_invalid_path_is_bad_arguments(zk, root, name):
    # setData validates the path before looking the node up.
    with pytest.raises(BadArgumentsError):
        zk.set(root + "/" + name, b"x")


@pytest.mark.parametrize("name", BAD_NAMES[1:], ids=lambda n: n.encode("unicode_escape").decode())
def test_reads_do_not_validate_paths(zk, root, name):
    # Reads look the string up verbatim: a path that can never exist is just NONODE.
    with pytest.raises(NoNodeError):
        zk.get(root + "/" + name)
    with pytest.raises(NoNodeError):
        zk.get_children(root + "/" + name)
    assert zk.exists(root + "/" + name) is None


def test_exists_with_nul_is_bad_arguments(zk, root):
    with pytest.raises(BadArgumentsError):
        zk.exists(root + "/a\x00b")


def test_delete_with_control_char_is_no_node(zk, root):
    # delete only checks for '\0' and the system paths, so other bad characters give
    # NONODE rather than BADARGUMENTS.
    with pytest.raises(NoNodeError):
        zk.delete(root + "/ctl\x01char")
    with pytest.raises(BadArgumentsError):
        zk.delete(root + "/nul\x00byte")


@pytest.mark.parametrize(
    "name", [".hidden", "a..b", "...", "dots.", "sp ace", "caf\u00e9", "\u65e5\u672c", "\uffef", "a:b=c@d"]
)
def test_unusual_but_valid_names(zk, root, name):
    path = root + "/" + name
    assert zk.create(path, name.encode()) == path
    assert zk.get(path)[0] == name.encode()
    assert name in zk.get_children(root)


def test_data_near_jute_maxbuffer(zk, root, server_config):
    maxbuffer = int(server_config["jute.maxbuffer"])
    big = b"x" * (maxbuffer - 4096)
    zk.create(root + "/big", big)
    data, stat = zk.get(root + "/big")
    assert data == big
    assert stat.dataLength == len(big)


def test_frame_over_jute_maxbuffer_drops_connection(make_client, root, server_config):
    # The server closes the connection without a reply when a frame's length exceeds
    # jute.maxbuffer; the session survives and kazoo reconnects to it.
    maxbuffer = int(server_config["jute.maxbuffer"])
    client = make_client()
    session_id = client.client_id[0]
    client.create(root + "/eph", ephemeral=True)
    with pytest.raises(ConnectionLoss):
        client.create(root + "/huge", b"y" * (maxbuffer + 1))
    helpers.wait_until(lambda: client.connected, what="kazoo to reconnect")
    assert client.client_id[0] == session_id
    assert client.exists(root + "/huge") is None
    assert client.exists(root + "/eph").ephemeralOwner == session_id
