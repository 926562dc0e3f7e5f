"""multi (opcode 14) through kazoo's client.transaction(): atomic success, and on
failure per-op results RolledBackError / the real error / RuntimeInconsistency with
nothing applied."""
import pytest
from kazoo.exceptions import (
    BadArgumentsError,
    BadVersionError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
    RolledBackError,
    RuntimeInconsistency,
    NoAuthError,
)
from kazoo.security import make_digest_acl

from interop import helpers


def kinds(results):
    return [type(r) for r in results]


def test_success_applies_everything_with_one_zxid(zk, root):
    zk.create(root + "/existing", b"old")
    zk.create(root + "/doomed")
    t = zk.transaction()
    t.create(root + "/new", b"fresh")
    t.set_data(root + "/existing", b"new", version=0)
    t.check(root + "/existing", 1)
    t.delete(root + "/doomed")
    results = t.commit()
    assert results[0] == root + "/new"
    assert results[1].version == 1
    assert results[2:] == [True, True]
    assert zk.get(root + "/new")[0] == b"fresh"
    assert zk.get(root + "/existing")[0] == b"new"
    assert zk.exists(root + "/doomed") is None
    created = zk.exists(root + "/new")
    # All ops of one multi share its zxid (and its time).
    assert created.czxid == results[1].mzxid
    assert created.ctime == results[1].mtime
    assert zk.exists(root).pzxid == created.czxid


def test_failure_reports_rolled_back_error_and_runtime_inconsistency(zk, root):
    zk.create(root + "/exists")
    t = zk.transaction()
    t.create(root + "/a")
    t.create(root + "/b")
    t.create(root + "/exists")
    t.create(root + "/c")
    t.set_data(root + "/exists", b"x")
    results = t.commit()
    assert kinds(results) == [RolledBackError, RolledBackError, NodeExistsError,
                              RuntimeInconsistency, RuntimeInconsistency]
    assert sorted(zk.get_children(root)) == ["exists"]
    assert zk.exists(root + "/exists").version == 0


@pytest.mark.parametrize(
    "build,expected",
    [
        (lambda t, r: t.delete(r + "/missing"), NoNodeError),
        (lambda t, r: t.set_data(r + "/missing", b""), NoNodeError),
        (lambda t, r: t.check(r + "/missing", 0), NoNodeError),
        (lambda t, r: t.check(r + "/p", 5), BadVersionError),
        (lambda t, r: t.set_data(r + "/p", b"", version=9), BadVersionError),
        (lambda t, r: t.delete(r + "/p", version=9), BadVersionError),
        (lambda t, r: t.delete(r + "/p"), NotEmptyError),
        (lambda t, r: t.create(r + "/nope/child"), NoNodeError),
        (lambda t, r: t.create(r + "/bad\x01name"), BadArgumentsError),
        (lambda t, r: t.create(r + "/p/locked/child"), NoAuthError),
    ],
    ids=["delete-missing", "set-missing", "check-missing", "check-version", "set-version",
         "delete-version", "delete-not-empty", "create-no-parent", "create-bad-path",
         "create-no-auth"],
)
def test_each_failing_op_reports_its_own_error(zk, root, build, expected):
    zk.create(root + "/p")
    zk.create(root + "/p/child")
    zk.create(root + "/p/locked", acl=[make_digest_acl("someone", "else", all=True)])
    t = zk.transaction()
    t.create(root + "/first")
    build(t, root)
    t.create(root + "/last")
    assert kinds(t.commit()) == [RolledBackError, expected, RuntimeInconsistency]
    assert zk.exists(root + "/first") is None
    assert zk.exists(root + "/last") is None


def test_later_ops_see_earlier_ops(zk, root):
    t = zk.transaction()
    t.create(root + "/a", b"1")
    t.create(root + "/a/b", b"2")
    t.set_data(root + "/a", b"3")
    t.check(root + "/a", 1)
    t.create(root + "/gone")
    t.delete(root + "/gone")
    results = t.commit()
    assert results[:2] == [root + "/a", root + "/a/b"]
    assert results[2].version == 1
    assert results[3:] == [True, root + "/gone", True]
    assert zk.get(root + "/a")[0] == b"3"
    assert zk.exists(root + "/gone") is None


def test_delete_then_recreate_in_one_transaction(zk, root):
    zk.create(root + "/n", b"old")
    czxid = zk.exists(root + "/n").czxid
    t = zk.transaction()
    t.delete(root + "/n")
    t.create(root + "/n", b"new")
    assert t.commit() == [True, root + "/n"]
    stat = zk.exists(root + "/n")
    assert stat.czxid > czxid
    assert zk.get(root + "/n")[0] == b"new"


def test_sequential_numbers_advance_inside_transaction(zk, root):
    t = zk.transaction()
    t.create(root + "/s-", sequence=True)
    t.create(root + "/s-", sequence=True)
    t.create(root + "/s-", sequence=True, ephemeral=True)
    assert t.commit() == [root + "/s-0000000000", root + "/s-0000000001", root + "/s-0000000002"]


def test_failed_transaction_does_not_advance_sequence(zk, root):
    t = zk.transaction()
    t.create(root + "/s-", sequence=True)
    t.delete(root + "/missing")
    assert kinds(t.commit()) == [RolledBackError, NoNodeError]
    assert zk.create(root + "/s-", sequence=True) == root + "/s-0000000000"


def test_failed_check_blocks_conditional_write(zk, root):
    zk.create(root + "/guard", b"v0")
    zk.set(root + "/guard", b"v1")
    t = zk.transaction()
    t.check(root + "/guard", 0)
    t.set_data(root + "/guard", b"lost update")
    assert kinds(t.commit()) == [BadVersionError, RuntimeInconsistency]
    assert zk.get(root + "/guard")[0] == b"v1"


def test_empty_transaction(zk):
    assert zk.transaction().commit() == []


def test_failed_transaction_consumes_one_zxid(zk, root):
    zk.create(root + "/n")

    def check():
        first = zk.set(root + "/n", b"1").mzxid
        t = zk.transaction()
        t.create(root + "/x")
        t.create(root + "/n")
        assert kinds(t.commit()) == [RolledBackError, NodeExistsError]
        assert zk.set(root + "/n", b"2").mzxid == first + 2

    helpers.settled(check)


def test_ephemeral_in_transaction_is_owned_by_session(zk, root):
    t = zk.transaction()
    t.create(root + "/e", ephemeral=True)
    t.commit()
    assert zk.exists(root + "/e").ephemeralOwner == zk.client_id[0]


def test_transaction_as_context_manager(zk, root):
    with zk.transaction() as t:
        t.create(root + "/ctx", b"x")
    assert zk.get(root + "/ctx")[0] == b"x"
