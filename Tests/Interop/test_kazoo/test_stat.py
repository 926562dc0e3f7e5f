"""Stat fields as kazoo sees them: versions, zxid relations, counts, owners, and the
sequential-name counter."""
import time

import pytest
from kazoo.exceptions import NodeExistsError
from kazoo.security import make_digest_acl, OPEN_ACL_UNSAFE

from interop import helpers


def test_new_node_stat(zk, root):
    before = int(time.time() * 1000)
    zk.create(root + "/n", b"12345")
    after = int(time.time() * 1000)
    stat = zk.exists(root + "/n")
    assert stat.czxid == stat.mzxid == stat.pzxid
    assert stat.czxid > 0
    assert stat.ctime == stat.mtime
    # ctime is the server's wall clock in ms; allow a little clock slack.
    assert before - 5000 <= stat.ctime <= after + 5000
    assert (stat.version, stat.cversion, stat.aversion) == (0, 0, 0)
    assert stat.ephemeralOwner == 0
    assert stat.dataLength == 5
    assert stat.numChildren == 0


def test_set_data_changes_version_mzxid_mtime_only(zk, root):
    zk.create(root + "/n", b"a")
    s0 = zk.exists(root + "/n")
    time.sleep(0.01)
    s1 = zk.set(root + "/n", b"bcd")
    assert s1.version == s0.version + 1
    assert s1.mzxid > s0.mzxid
    assert s1.czxid == s0.czxid
    assert s1.pzxid == s0.pzxid
    assert s1.mtime >= s0.mtime
    assert s1.ctime == s0.ctime
    assert (s1.cversion, s1.aversion) == (s0.cversion, s0.aversion)
    assert s1.dataLength == 3
    # The stat returned by setData is the stat later reads see.
    assert zk.exists(root + "/n") == s1


def test_set_same_data_still_bumps_version(zk, root):
    zk.create(root + "/n", b"same")
    assert zk.set(root + "/n", b"same").version == 1
    assert zk.set(root + "/n", b"same").version == 2


def test_child_create_and_delete_update_parent(zk, root):
    parent = root + "/p"
    zk.create(parent)
    p0 = zk.exists(parent)
    zk.create(parent + "/c1")
    c1 = zk.exists(parent + "/c1")
    p1 = zk.exists(parent)
    assert p1.cversion == p0.cversion + 1
    assert p1.numChildren == 1
    assert p1.pzxid == c1.czxid
    assert p1.mzxid == p0.mzxid  # children do not change the parent's data version
    assert p1.version == p0.version
    zk.create(parent + "/c2")
    p2 = zk.exists(parent)
    assert p2.cversion == p0.cversion + 2
    assert p2.numChildren == 2
    zk.delete(parent + "/c1")
    delete_zxid = zk.last_zxid
    p3 = zk.exists(parent)
    # A delete bumps the visible cversion too, and sets pzxid to the delete's zxid.
    assert p3.cversion == p0.cversion + 3
    assert p3.numChildren == 1
    assert p3.pzxid == delete_zxid
    assert p3.pzxid > p2.pzxid
    assert p3.mzxid == p0.mzxid


def test_grandchild_changes_do_not_touch_grandparent(zk, root):
    zk.create(root + "/a/b", makepath=True)
    a0 = zk.exists(root + "/a")
    zk.create(root + "/a/b/c")
    zk.set(root + "/a/b", b"data")
    assert zk.exists(root + "/a") == a0


def test_set_acl_bumps_aversion_only(zk, root):
    zk.create(root + "/n", b"x")
    s0 = zk.exists(root + "/n")
    s1 = zk.set_acls(root + "/n", OPEN_ACL_UNSAFE)
    assert s1.aversion == s0.aversion + 1
    assert (s1.version, s1.cversion, s1.mzxid, s1.mtime, s1.pzxid) == (
        s0.version, s0.cversion, s0.mzxid, s0.mtime, s0.pzxid)
    acl = make_digest_acl("u", "p", all=True)
    s2 = zk.set_acls(root + "/n", [acl] + list(OPEN_ACL_UNSAFE), version=1)
    assert s2.aversion == 2


def test_ephemeral_owner_is_session_id(zk, root):
    zk.create(root + "/e", ephemeral=True)
    stat = zk.exists(root + "/e")
    assert stat.ephemeralOwner == zk.client_id[0]
    assert stat.ephemeralOwner != 0


def test_zxids_increase_with_every_write(zk, root):
    zxids = []
    for i in range(5):
        zk.create("%s/n%d" % (root, i))
        zxids.append(zk.exists("%s/n%d" % (root, i)).czxid)
    assert zxids == sorted(zxids)
    assert len(set(zxids)) == 5


def test_reply_zxid_tracks_last_write(zk, root):
    zk.create(root + "/n")
    czxid = zk.exists(root + "/n").czxid
    assert zk.last_zxid >= czxid

    def check():
        # In standalone the reply to a write carries that write's zxid.
        stat = zk.set(root + "/n", b"x")
        assert zk.last_zxid == stat.mzxid

    helpers.settled(check)


def test_failed_write_consumes_a_zxid(zk, root):
    zk.create(root + "/n")

    def check():
        first = zk.set(root + "/n", b"1").mzxid
        with pytest.raises(NodeExistsError):
            zk.create(root + "/n")
        failed_zxid = zk.last_zxid
        second = zk.set(root + "/n", b"2").mzxid
        # The failed create took exactly one zxid (and its error reply carries it).
        assert failed_zxid == first + 1
        assert second == first + 2

    helpers.settled(check)


def test_reads_do_not_consume_zxids(zk, root):
    zk.create(root + "/n")

    def check():
        first = zk.set(root + "/n", b"1").mzxid
        for _ in range(3):
            zk.get(root + "/n")
            zk.get_children(root)
            zk.exists(root + "/missing")
        assert zk.set(root + "/n", b"2").mzxid == first + 1

    helpers.settled(check)


def test_data_length_and_num_children(zk, root):
    zk.create(root + "/p", b"x" * 1000)
    for i in range(7):
        zk.create("%s/p/c%d" % (root, i))
    stat = zk.exists(root + "/p")
    assert stat.dataLength == 1000
    assert stat.numChildren == 7


# --- sequential nodes ------------------------------------------------------------

def test_sequential_names_have_ten_digits(zk, root):
    first = zk.create(root + "/job-", sequence=True)
    second = zk.create(root + "/job-", sequence=True)
    assert first == root + "/job-0000000000"
    assert second == root + "/job-0000000001"


def test_sequence_counter_counts_every_child_create_and_ignores_deletes(zk, root):
    parent = root + "/q"
    zk.create(parent)
    assert zk.create(parent + "/s-", sequence=True) == parent + "/s-0000000000"
    zk.create(parent + "/plain")  # a plain child advances the counter too
    assert zk.create(parent + "/s-", sequence=True) == parent + "/s-0000000002"
    for child in zk.get_children(parent):
        zk.delete(parent + "/" + child)
    # Deletes do not reduce the counter.
    assert zk.create(parent + "/s-", sequence=True) == parent + "/s-0000000003"
    assert zk.create(parent + "/other-", sequence=True) == parent + "/other-0000000004"


def test_sequence_counter_is_per_parent(zk, root):
    zk.create(root + "/a")
    zk.create(root + "/b")
    zk.create(root + "/a/x")
    assert zk.create(root + "/a/n", sequence=True) == root + "/a/n0000000001"
    assert zk.create(root + "/b/n", sequence=True) == root + "/b/n0000000000"


def test_failed_create_does_not_advance_sequence(zk, root):
    zk.create(root + "/p")
    zk.create(root + "/p/dup")
    with pytest.raises(NodeExistsError):
        zk.create(root + "/p/dup")
    assert zk.create(root + "/p/s", sequence=True) == root + "/p/s0000000001"


def test_sequential_with_trailing_slash(zk, root):
    zk.create(root + "/p")
    assert zk.create(root + "/p/", sequence=True) == root + "/p/0000000000"
    assert zk.create(root + "/p/", sequence=True) == root + "/p/0000000001"


def test_ephemeral_sequential(zk, root):
    path = zk.create(root + "/lock-", ephemeral=True, sequence=True)
    assert path == root + "/lock-0000000000"
    assert zk.exists(path).ephemeralOwner == zk.client_id[0]


def test_sequential_collision_is_node_exists(zk, root):
    zk.create(root + "/p")
    zk.create(root + "/p/n0000000001")  # counter is now 1
    with pytest.raises(NodeExistsError):
        zk.create(root + "/p/n", sequence=True)
    # The failed create did not advance the counter either.
    with pytest.raises(NodeExistsError):
        zk.create(root + "/p/n", sequence=True)
    assert zk.create(root + "/p/m", sequence=True) == root + "/p/m0000000001"


def test_cversion_counts_creates_and_deletes(zk, root):
    parent = root + "/p"
    zk.create(parent)
    for i in range(3):
        zk.create("%s/c%d" % (parent, i))
    zk.delete(parent + "/c0")
    stat = zk.exists(parent)
    assert stat.cversion == 4
    assert stat.numChildren == 2
    # The sequence counter, unlike the visible cversion, only counts creates.
    assert zk.create(parent + "/s", sequence=True) == parent + "/s0000000003"
