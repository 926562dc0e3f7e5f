"""The Java client through zkCli.sh: node modes (-e, -s, -c, -t), get -s/stat/ls -R,
set/delete/deleteall with versions, ACL commands, getEphemerals,
getAllChildrenNumber, whoami, sync, persistent watches, quotas, config, and the
messages and exit codes the client derives from the server's error codes."""
import base64
import hashlib
import re
import time

import pytest

import zkcli
from interop import helpers


def digest(user, password):
    return "%s:%s" % (user, base64.b64encode(hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()).decode())


def parse_list(text):
    assert text.startswith("[") and text.endswith("]"), text
    return sorted(item for item in text[1:-1].split(", ") if item)


@pytest.fixture
def root(request):
    path = "/zkcli/" + helpers.unique(re.sub(r"\W", "_", request.node.name)[:40])
    run = zkcli.script(["create /zkcli", "create " + path])
    assert run[1] == "Created " + path, run.raw
    return path


def test_create_get_set_stat(root):
    p = root + "/n"
    run = zkcli.script([
        "create %s hello" % p,
        "get %s" % p,
        "get -s %s" % p,
        "set %s world" % p,
        "stat %s" % p,
        "get %s" % p,
    ])
    assert run[0] == "Created " + p
    assert run[1] == "hello"
    first = zkcli.parse_stat(run[2])
    assert run[2].splitlines()[0] == "hello"
    assert first["cZxid"] == first["mZxid"] == first["pZxid"] > 0
    assert (first["dataVersion"], first["cversion"], first["aclVersion"]) == (0, 0, 0)
    assert (first["ephemeralOwner"], first["dataLength"], first["numChildren"]) == (0, 5, 0)
    assert first["ctime"] == first["mtime"]
    assert run[3] == ""
    second = zkcli.parse_stat(run[4])
    assert second["dataVersion"] == 1
    assert second["mZxid"] > first["mZxid"]
    assert second["cZxid"] == first["cZxid"]
    assert run[5] == "world"


def test_stat_keys_in_order(root):
    run = zkcli.script(["stat " + root])
    keys = [line.split(" = ")[0] for line in run[0].splitlines()]
    assert keys == ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion",
                    "aclVersion", "ephemeralOwner", "dataLength", "numChildren"]


def test_sequential_and_ephemeral(root):
    run = zkcli.script([
        "create %s/plain" % root,
        "create -s %s/s- a" % root,
        "create -s %s/s- b" % root,
        "create -e %s/e x" % root,
        "create -e -s %s/es- y" % root,
        "stat %s/e" % root,
        "create %s/e/child" % root,
        "getEphemerals",
        "getEphemerals %s/e" % root,
        "getEphemerals %s/es" % root,
    ])
    assert run[1] == "Created %s/s-0000000001" % root
    assert run[2] == "Created %s/s-0000000002" % root
    assert run[3] == "Created %s/e" % root
    assert run[4] == "Created %s/es-0000000004" % root
    owner = zkcli.parse_stat(run[5])["ephemeralOwner"]
    assert owner != 0
    assert run[6] == "Ephemerals cannot have children: %s/e/child" % root
    assert parse_list(run[7]) == [root + "/e", root + "/es-0000000004"]  # order unspecified
    # The filter is a plain string prefix: /e also matches /es-....
    assert parse_list(run[8]) == [root + "/e", root + "/es-0000000004"]
    assert parse_list(run[9]) == [root + "/es-0000000004"]
    # The ephemerals died with the session when zkCli quit.
    after = zkcli.script(["ls " + root])
    assert after[0] == "[plain, s-0000000001, s-0000000002]"


def test_ls_variants(root):
    run = zkcli.script([
        "create %s/b" % root,
        "create %s/a" % root,
        "create %s/a/x" % root,
        "create %s/a/x/y" % root,
        "ls %s" % root,
        "ls -R %s" % root,
        "ls -s %s" % root,
        "ls %s/missing" % root,
    ])
    assert run[4] == "[a, b]"
    # Breadth first; the order among siblings is the server's (unspecified).
    listing = run[5].splitlines()
    assert listing[0] == root
    assert sorted(listing[1:3]) == [root + "/a", root + "/b"]
    assert listing[3:] == [root + "/a/x", root + "/a/x/y"]
    lines = run[6].splitlines()
    assert lines[0] == "[a, b]"
    stat = zkcli.parse_stat("\n".join(lines[1:]))
    assert stat["numChildren"] == 2 and stat["cversion"] == 2
    assert run[7] == "Node does not exist: %s/missing" % root


def test_error_messages(root):
    run = zkcli.script([
        "create %s/n v" % root,
        "create %s/n again" % root,
        "create %s/missing/child" % root,
        "get %s/missing" % root,
        "set %s/missing x" % root,
        "set -v 7 %s/n x" % root,
        "create %s/n/c" % root,
        "delete %s/n" % root,
        "delete -v 3 %s/n/c" % root,
        "delete /zookeeper",
        "delete %s/missing" % root,
        "create /zookeeper",
    ])
    assert run[1] == "Node already exists: %s/n" % root
    assert run[2] == "Node does not exist: %s/missing/child" % root
    assert run[3] == "Node does not exist: %s/missing" % root
    assert run[4] == "Node does not exist: %s/missing" % root
    assert run[5] == "version No is not valid : %s/n" % root
    assert run[7] == "Node not empty: %s/n" % root
    assert run[8] == "version No is not valid : %s/n/c" % root
    assert run[9] == "Arguments are not valid : /zookeeper"
    assert run[10] == "Node does not exist: %s/missing" % root
    assert run[11] == "Node already exists: /zookeeper"


def test_versioned_set_and_delete(root):
    run = zkcli.script([
        "create %s/n v0" % root,
        "set -v 0 %s/n v1" % root,
        "set -s -v 1 %s/n v2" % root,
        "delete -v 2 %s/n" % root,
        "stat %s/n" % root,
    ])
    assert run[1] == ""
    assert zkcli.parse_stat(run[2])["dataVersion"] == 2
    assert run[3] == ""
    assert run[4] == "Node does not exist: %s/n" % root


def test_deleteall(root):
    run = zkcli.script([
        "create %s/t" % root,
        "create %s/t/a" % root,
        "create %s/t/a/b" % root,
        "create %s/t/c" % root,
        "getAllChildrenNumber %s/t" % root,
        "deleteall %s/t" % root,
        "ls %s" % root,
    ])
    assert run[4] == "3"
    assert run[6] == "[]"


def test_get_all_children_number(root):
    run = zkcli.script([
        "create %s/a" % root,
        "create %s/a/b" % root,
        "create %s/c" % root,
        "getAllChildrenNumber %s" % root,
        "getAllChildrenNumber /zookeeper",
        "getAllChildrenNumber %s/missing" % root,
    ])
    assert run[3] == "3"
    assert run[4] == "2"
    assert run[5] == "Node does not exist: %s/missing" % root


def test_whoami_and_addauth():
    run = zkcli.script(["whoami", "addauth digest zuser:zpass", "whoami"])
    assert run[0].splitlines() == ["Auth scheme: User", "ip: 127.0.0.1"]
    lines = run[2].splitlines()
    assert lines[0] == "Auth scheme: User"
    assert sorted(lines[1:]) == ["digest: zuser", "ip: 127.0.0.1"]


def test_acl_commands(root):
    p = root + "/secure"
    alice = digest("alice", "pw")
    run = zkcli.script([
        "create %s data digest:%s:cdrwa,world:anyone:r" % (p, alice),
        "getAcl %s" % p,
        "set %s x" % p,
        "addauth digest alice:pw",
        "getAcl -s %s" % p,
        "set %s y" % p,
        "setAcl %s world:anyone:cdrwa" % p,
        "getAcl %s" % p,
        "setAcl -v 0 %s world:anyone:r" % p,
        "setAcl -s -v 1 %s world:anyone:r" % p,
    ])
    assert run[0] == "Created " + p
    # Without ADMIN, digest ids come back redacted.
    assert run[1].splitlines() == ["'digest,'alice:x", ": cdrwa", "'world,'anyone", ": r"]
    assert run[2] == "Insufficient permission : " + p
    lines = run[4].splitlines()
    assert lines[:4] == ["'digest,'%s" % alice, ": cdrwa", "'world,'anyone", ": r"]
    assert zkcli.parse_stat("\n".join(lines[4:]))["aclVersion"] == 0
    assert run[5] == ""
    assert run[7].splitlines() == ["'world,'anyone", ": cdrwa"]
    assert run[8] == "version No is not valid : " + p
    assert zkcli.parse_stat(run[9])["aclVersion"] == 2


def test_auth_scheme_acl(root):
    p = root + "/mine"
    run = zkcli.script([
        "addauth digest bob:pw",
        "create %s x auth::cdrwa" % p,
        "getAcl %s" % p,
    ])
    assert run[1] == "Created " + p
    assert run[2].splitlines() == ["'digest,'" + digest("bob", "pw"), ": cdrwa"]
    other = zkcli.script(["get " + p])
    assert other[0] == "Insufficient permission : " + p


def test_invalid_acl(root):
    run = zkcli.script([
        "create %s/n x auth::cdrwa" % root,
        "create %s/m x world:someone:r" % root,
    ])
    for output, path in [(run[0], root + "/n"), (run[1], root + "/m")]:
        assert sorted(output.splitlines()) == [
            "Acl is not valid : " + path, "KeeperErrorCode = InvalidACL for " + path]


def test_ip_acl(root):
    run = zkcli.script([
        "create %s/local x ip:127.0.0.1:cdrwa" % root,
        "create %s/remote x ip:10.9.8.7:cdrwa" % root,
        "get %s/local" % root,
        "get %s/remote" % root,
    ])
    assert run[2] == "x"
    assert run[3] == "Insufficient permission : %s/remote" % root


def test_sync(root):
    run = zkcli.script(["sync " + root, "sync /"])
    assert run[0] == "Sync is OK"
    assert run[1] == "Sync is OK"


def test_one_shot_exit_codes(root):
    code, out = zkcli.one("create", root + "/one", "payload")
    assert code == 0 and out == "Created %s/one" % root
    code, out = zkcli.one("get", root + "/one")
    assert code == 0 and out == "payload"
    code, out = zkcli.one("get", root + "/missing")
    assert code != 0 and out == "Node does not exist: %s/missing" % root
    code, out = zkcli.one("create", root + "/one")
    assert code != 0 and out == "Node already exists: %s/one" % root


def test_get_watch(root):
    p = root + "/w"
    run = zkcli.script([
        "create %s v" % p,
        "get -w %s" % p,
        "set %s changed" % p,
        "set %s again" % p,
        "stat -w %s" % p,
        "delete %s" % p,
        "ls -w %s" % root,
        "create %s/kid" % root,
        "sync /",
    ])
    assert run.events == [("NodeDataChanged", p), ("NodeDeleted", p), ("NodeChildrenChanged", root)]


def test_persistent_recursive_watch(root):
    w = root + "/tree"
    run = zkcli.script([
        "create %s" % w,
        "addWatch -m PERSISTENT_RECURSIVE %s" % w,
        "create %s/a 1" % w,
        "create %s/a/b 2" % w,
        "set %s/a 3" % w,
        "delete %s/a/b" % w,
        "set %s 4" % w,
        "create %s/sibling" % root,
        "sync /",
        "sync /",
    ])
    assert run[1] == ""
    # Recursive watches see every node below, never NodeChildrenChanged, and stay.
    assert run.events == [
        ("NodeCreated", w + "/a"),
        ("NodeCreated", w + "/a/b"),
        ("NodeDataChanged", w + "/a"),
        ("NodeDeleted", w + "/a/b"),
        ("NodeDataChanged", w),
    ]


def test_persistent_watch(root):
    w = root + "/p"
    run = zkcli.script([
        "addWatch -m PERSISTENT %s" % w,
        "create %s 1" % w,
        "create %s/kid" % w,
        "set %s 2" % w,
        "set %s/kid deeper" % w,
        "delete %s/kid" % w,
        "delete %s" % w,
        "create %s again" % w,
        "sync /",
        "sync /",
    ])
    # A persistent watch fires for the node itself (all event types, including
    # children changes) and survives deletion of the node.
    assert run.events == [
        ("NodeCreated", w),
        ("NodeChildrenChanged", w),
        ("NodeDataChanged", w),
        ("NodeChildrenChanged", w),
        ("NodeDeleted", w),
        ("NodeCreated", w),
    ]


def test_remove_persistent_watch(root):
    w = root + "/r"
    run = zkcli.script([
        "create %s" % w,
        "addWatch %s" % w,
        "set %s 1" % w,
        "removewatches %s" % w,
        "set %s 2" % w,
        "sync /",
        "sync /",
    ])
    assert run[3] == ""
    # PersistentWatchRemoved is generated by the Java client itself.
    assert run.events == [("NodeDataChanged", w), ("PersistentWatchRemoved", w)]


def test_config_and_reconfig(server_config):
    run = zkcli.script(["config -s", "reconfig -remove 1"])
    stat = zkcli.parse_stat(run[0])
    assert stat["aclVersion"] == -1
    if not helpers.is_ensemble():
        assert stat["cZxid"] == 0 and stat["dataLength"] == 0
    else:
        # An ensemble's members, as ZooKeeper 3.8 writes them (reconfig disabled or not).
        lines = [line for line in run[0].splitlines() if not re.match(r"^\w+ = ", line)]
        assert lines, "/zookeeper/config is empty; in an ensemble it lists the members"
        assert re.fullmatch(r"version=[0-9a-f]+", lines[-1]), lines
        members = helpers.config_node_members(server_config)
        if members is not None:
            assert lines[:-1] == members
        assert stat["cZxid"] == 0 and stat["dataLength"] == len("\n".join(lines))
    assert run[1] == "KeeperErrorCode = Reconfig is disabled"


def test_quota_stats_follow_changes(root):
    q = root + "/q"
    run = zkcli.script([
        "create %s ab" % q,
        "create %s/c1 abc" % q,
        "setquota -n 10 %s" % q,
        "listquota %s" % q,
        "create %s/c2 defg" % q,
        "set %s/c1 x" % q,
        "listquota %s" % q,
        "delete %s/c2" % q,
        "listquota %s" % q,
        "delquota %s" % q,
        "listquota %s" % q,
    ])
    # The server keeps /zookeeper/quota/<path>/zookeeper_stats up to date.
    assert "Output stat for %s count=2,bytes=5" % q in run[3].splitlines()
    assert "Output stat for %s count=3,bytes=7" % q in run[6].splitlines()
    assert "Output stat for %s count=2,bytes=3" % q in run[8].splitlines()
    assert run[10].splitlines()[-1] == "quota for %s does not exist." % q


def test_container_and_ttl_nodes_go_away(root, server_config):
    interval = int(server_config["znode.container.checkIntervalMs"]) / 1000.0
    c, t, kept = root + "/c", root + "/t", root + "/kept"
    run = zkcli.script([
        "create -c %s" % c,
        "create %s/child" % c,
        "delete %s/child" % c,
        "create -t 200 %s" % t,
        "create -c %s" % kept,
        "create -t 0 %s/bad" % root,
        "stat %s" % t,
    ])
    assert run[0] == "Created " + c
    assert run[3] == "Created " + t
    assert run[5] == "ttl must be positive and cannot be larger than: 1099511627775"
    assert zkcli.parse_stat(run[6])["ephemeralOwner"] == 0
    deadline = time.monotonic() + max(15.0, 8 * interval)
    while True:
        out = zkcli.script(["ls " + root])[0]
        if out == "[kept]":
            break
        assert time.monotonic() < deadline, "container/TTL node still there: " + out
        time.sleep(0.5)
