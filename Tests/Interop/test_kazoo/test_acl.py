"""ACLs: schemes world, digest, ip and auth; which permission each operation needs;
getACL redaction; ACL validation (InvalidACLError)."""
import base64
import hashlib
import threading

import pytest
from kazoo.exceptions import BadVersionError, InvalidACLError, NoAuthError, NoNodeError
from kazoo.security import (
    ACL,
    CREATOR_ALL_ACL,
    Id,
    OPEN_ACL_UNSAFE,
    Permissions,
    make_acl,
    make_digest_acl,
    make_digest_acl_credential,
)

import raw
from interop import helpers

READ, WRITE, CREATE, DELETE, ADMIN, ALL = 1, 2, 4, 8, 16, 31


def world(perms):
    return ACL(perms, Id("world", "anyone"))


def test_digest_credential_format():
    # The ACL id is user:base64(sha1("user:password")), what the server derives from
    # an auth packet "user:password".
    digest = base64.b64encode(hashlib.sha1(b"alice:s3cret").digest()).decode()
    assert make_digest_acl_credential("alice", "s3cret") == "alice:" + digest


def test_digest_acl_enforced(make_client, root):
    owner = make_client()
    owner.add_auth("digest", "alice:s3cret")
    stranger = make_client()
    acl = make_digest_acl("alice", "s3cret", all=True)
    owner.create(root + "/secret", b"data", acl=[acl])
    owner.create(root + "/secret/child")
    assert owner.get(root + "/secret")[0] == b"data"
    helpers.catch_up(stranger, root)
    with pytest.raises(NoAuthError):
        stranger.get(root + "/secret")
    with pytest.raises(NoAuthError):
        stranger.set(root + "/secret", b"x")
    with pytest.raises(NoAuthError):
        stranger.get_children(root + "/secret")
    with pytest.raises(NoAuthError):
        stranger.create(root + "/secret/other")
    with pytest.raises(NoAuthError):
        stranger.delete(root + "/secret/child")
    with pytest.raises(NoAuthError):
        stranger.set_acls(root + "/secret", OPEN_ACL_UNSAFE)
    with pytest.raises(NoAuthError):
        stranger.get_acls(root + "/secret")
    # The node itself may still be deleted: delete needs DELETE on the parent.
    owner.delete(root + "/secret/child")
    stranger.delete(root + "/secret")


def test_wrong_password_gets_no_access(make_client, root):
    owner = make_client()
    owner.add_auth("digest", "alice:s3cret")
    owner.create(root + "/secret", acl=[make_digest_acl("alice", "s3cret", all=True)])
    guesser = make_client()
    guesser.add_auth("digest", "alice:wrong")
    helpers.catch_up(guesser, root)
    with pytest.raises(NoAuthError):
        guesser.get(root + "/secret")


def test_auth_added_later_grants_access(make_client, root):
    owner = make_client()
    owner.create(root + "/secret", acl=[make_digest_acl("bob", "pw", read=True)])
    client = make_client()
    helpers.catch_up(client, root)
    with pytest.raises(NoAuthError):
        client.get(root + "/secret")
    client.add_auth("digest", "bob:pw")
    assert client.get(root + "/secret")[0] == b""


def test_auth_via_client_constructor(make_client, root):
    owner = make_client()
    owner.create(root + "/secret", acl=[make_digest_acl("carol", "pw", all=True)])
    client = make_client(auth_data=[("digest", "carol:pw")])
    client.set(root + "/secret", b"ok")


def test_several_identities_on_one_connection(make_client, root):
    owner = make_client()
    owner.create(root + "/a", acl=[make_digest_acl("a", "1", read=True)])
    owner.create(root + "/b", acl=[make_digest_acl("b", "2", read=True)])
    client = make_client()
    client.add_auth("digest", "a:1")
    client.add_auth("digest", "b:2")
    helpers.catch_up(client, root)
    client.get(root + "/a")
    client.get(root + "/b")


def test_auth_is_restored_after_reconnect(make_client, root):
    from kazoo.client import KazooState
    from kazoo.protocol.connection import _CONNECTION_DROP
    client = make_client()
    client.add_auth("digest", "dave:pw")
    client.create(root + "/secret", acl=[make_digest_acl("dave", "pw", all=True)])
    states = []
    client.add_listener(states.append)
    client._call(_CONNECTION_DROP, client.handler.async_result())
    # Followed through the state listener: with several servers kazoo reconnects to the
    # next one at once, too quickly for polling client.connected to see the gap.
    helpers.wait_until(lambda: KazooState.SUSPENDED in states, timeout=5, what="disconnect")
    helpers.wait_until(lambda: client.connected and states[-1] == KazooState.CONNECTED,
                       timeout=15, what="reconnect")
    assert KazooState.LOST not in states
    # kazoo re-sends its auth after reconnecting (auth belongs to the connection).
    assert client.get(root + "/secret")[0] == b""


@pytest.mark.parametrize(
    "perms,allowed",
    [
        (READ, {"get", "get_children", "get_acls"}),
        (WRITE, {"set"}),
        (CREATE, {"create_child"}),
        (DELETE, {"delete_child"}),
        (ADMIN, {"set_acls", "get_acls"}),
        (READ | WRITE, {"get", "get_children", "get_acls", "set"}),
        (0, set()),
    ],
    ids=["read", "write", "create", "delete", "admin", "read-write", "none"],
)
def test_permission_needed_by_each_operation(make_client, root, perms, allowed):
    setup = make_client()
    node = root + "/n"
    setup.create(node, b"d")
    setup.create(node + "/victim")
    setup.set_acls(node, [world(perms)])
    client = make_client()
    helpers.catch_up(client, root)
    operations = {
        "get": lambda: client.get(node),
        "get_children": lambda: client.get_children(node),
        "get_acls": lambda: client.get_acls(node),
        "set": lambda: client.set(node, b"x"),
        "create_child": lambda: client.create(node + "/new"),
        "delete_child": lambda: client.delete(node + "/victim"),
        "set_acls": lambda: client.set_acls(node, [world(perms)]),
    }
    outcome = {}
    for name, op in operations.items():
        try:
            op()
            outcome[name] = True
        except NoAuthError:
            outcome[name] = False
    assert {name for name, ok in outcome.items() if ok} == allowed


def exists_needs_read(version):
    """Whether a server of this version checks READ for exists() (ZOOKEEPER-2590, from
    3.8.4 and 3.9.2 on). Debian's 3.8.0, and Keeper, which follows it, do not."""
    return version >= (3, 9, 2) or (3, 8, 4) <= version < (3, 9)


def test_exists_on_unreadable_node(make_client, root):
    setup = make_client()
    setup.create(root + "/n", b"x", acl=[world(CREATE | WRITE)])
    client = make_client()
    helpers.catch_up(client, root)
    assert client.exists(root + "/n/missing") is None
    if exists_needs_read(tuple(client.server_version()[:3])):
        with pytest.raises(NoAuthError):
            client.exists(root + "/n")
        return
    # exists answers where getData is refused.
    changed = threading.Event()
    assert client.exists(root + "/n", watch=lambda event: changed.set()) == setup.exists(root + "/n")
    with pytest.raises(NoAuthError):
        client.get(root + "/n")
    # Its watch is set, but a change is not reported to a client that may not read the
    # node: watch events are filtered by READ since CVE-2024-23944 (fixed in 3.8.4, and in
    # Debian's 3.8.0-11+deb12u2), and Keeper does the same. The event would have left
    # before the reply to the write.
    setup.set(root + "/n", b"y")
    helpers.catch_up(client, root)
    assert not changed.wait(0.5)


def test_delete_checks_parent_permission_before_existence(make_client, root):
    setup = make_client()
    setup.create(root + "/n", acl=[world(READ)])
    client = make_client()
    with pytest.raises(NoAuthError):
        client.delete(root + "/n/missing")


def test_create_checks_parent_existence_before_permission(make_client, root):
    client = make_client()
    with pytest.raises(NoNodeError):
        client.create(root + "/missing/child")


def test_create_checks_permission_before_node_exists(make_client, root):
    setup = make_client()
    setup.create(root + "/n")
    setup.create(root + "/n/existing")
    setup.set_acls(root + "/n", [world(READ)])
    client = make_client()
    with pytest.raises(NoAuthError):
        client.create(root + "/n/existing")


def test_get_acls_redacts_digest_without_admin(make_client, root):
    setup = make_client()
    full = make_digest_acl("erin", "pw", read=True, admin=True)
    readonly = make_digest_acl("frank", "pw", read=True)
    setup.create(root + "/n", acl=[full, readonly, world(READ)])
    anonymous = make_client()
    helpers.catch_up(anonymous, root)
    acl, _ = anonymous.get_acls(root + "/n")
    assert [(a.perms, a.id.scheme, a.id.id) for a in acl] == [
        (READ | ADMIN, "digest", "erin:x"),
        (READ, "digest", "frank:x"),
        (READ, "world", "anyone"),
    ]
    admin = make_client()
    admin.add_auth("digest", "erin:pw")
    helpers.catch_up(admin, root)
    acl, stat = admin.get_acls(root + "/n")
    assert list(acl) == [full, readonly, world(READ)]
    assert stat.aversion == 0


def test_ip_acl(make_client, root):
    setup = make_client()
    setup.create(root + "/local", b"l", acl=[make_acl("ip", "127.0.0.1", all=True)])
    setup.create(root + "/subnet", b"s", acl=[make_acl("ip", "127.0.0.0/8", all=True)])
    setup.create(root + "/elsewhere", b"e", acl=[make_acl("ip", "10.1.2.3", all=True)])
    setup.create(root + "/othernet", b"o", acl=[make_acl("ip", "10.0.0.0/8", all=True)])
    client = make_client()
    helpers.catch_up(client, root)
    assert client.get(root + "/local")[0] == b"l"
    assert client.get(root + "/subnet")[0] == b"s"
    with pytest.raises(NoAuthError):
        client.get(root + "/elsewhere")
    with pytest.raises(NoAuthError):
        client.get(root + "/othernet")


def test_auth_scheme_expands_to_authenticated_identities(make_client, root):
    client = make_client()
    client.add_auth("digest", "gina:pw")
    client.create(root + "/mine", acl=CREATOR_ALL_ACL)
    acl, _ = client.get_acls(root + "/mine")
    # auth:"" becomes one entry per authenticated id; the ip id does not count.
    assert list(acl) == [make_digest_acl("gina", "pw", all=True)]
    stranger = make_client()
    helpers.catch_up(stranger, root)
    with pytest.raises(NoAuthError):
        stranger.get(root + "/mine")


def test_auth_scheme_with_two_identities(make_client, root):
    client = make_client()
    client.add_auth("digest", "h1:pw")
    client.add_auth("digest", "h2:pw")
    client.create(root + "/mine", acl=[make_acl("auth", "", read=True, admin=True)])
    acl, _ = client.get_acls(root + "/mine")
    assert sorted(a.id.id for a in acl) == sorted([make_digest_acl_credential("h1", "pw"),
                                                   make_digest_acl_credential("h2", "pw")])
    assert {a.perms for a in acl} == {READ | ADMIN}


def test_auth_scheme_without_authentication_is_invalid(zk, root):
    with pytest.raises(InvalidACLError):
        zk.create(root + "/n", acl=CREATOR_ALL_ACL)


@pytest.mark.parametrize(
    "acl",
    [
        [],
        [ACL(ALL, Id("world", "someone"))],
        [ACL(ALL, Id("digest", "no-colon"))],
        [ACL(ALL, Id("digest", "user:"))],
        [ACL(ALL, Id("digest", "a:b:c"))],
        [ACL(ALL, Id("ip", "not-an-ip"))],
        [ACL(ALL, Id("ip", "127.0.0.1/33"))],
        [ACL(ALL, Id("nosuchscheme", "x"))],
        [ACL(ALL, Id("super", "x"))],
    ],
    ids=["empty", "world-someone", "digest-no-colon", "digest-empty-hash", "digest-three-parts",
         "ip-garbage", "ip-bad-mask", "unknown-scheme", "super"],
)
def test_invalid_acl(zk, root, acl):
    # Sent raw: kazoo's create() would replace an empty list by its default ACL.
    with pytest.raises(InvalidACLError):
        raw.call(zk, raw.CreateFlags(root + "/n", b"", acl, 0))
    zk.create(root + "/m")
    with pytest.raises(InvalidACLError):
        zk.set_acls(root + "/m", acl)


def test_duplicate_acl_entries_are_collapsed(zk, root):
    zk.create(root + "/n", acl=[world(ALL), world(ALL)])
    assert list(zk.get_acls(root + "/n")[0]) == [world(ALL)]


def test_unusual_permission_bits_are_stored(zk, root):
    zk.create(root + "/n", acl=[world(READ | 64)])
    assert zk.get_acls(root + "/n")[0][0].perms == READ | 64


def test_set_acls_checks_aversion(zk, root):
    zk.create(root + "/n")
    with pytest.raises(BadVersionError):
        zk.set_acls(root + "/n", OPEN_ACL_UNSAFE, version=3)
    assert zk.set_acls(root + "/n", OPEN_ACL_UNSAFE, version=0).aversion == 1


def test_set_acls_on_missing_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.set_acls(root + "/missing", OPEN_ACL_UNSAFE)


def test_acl_is_not_inherited(make_client, root):
    owner = make_client()
    owner.add_auth("digest", "ivy:pw")
    owner.create(root + "/p", acl=[make_digest_acl("ivy", "pw", all=True)])
    owner.create(root + "/p/open", b"o")  # default ACL: world:anyone
    stranger = make_client()
    helpers.catch_up(stranger, root)
    assert stranger.get(root + "/p/open")[0] == b"o"


def test_permissions_constants_match_zookeeper():
    assert (Permissions.READ, Permissions.WRITE, Permissions.CREATE, Permissions.DELETE,
            Permissions.ADMIN, Permissions.ALL) == (READ, WRITE, CREATE, DELETE, ADMIN, ALL)
