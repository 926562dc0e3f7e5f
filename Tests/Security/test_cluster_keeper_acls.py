"""The daemons' Keeper credentials, as Mesos takes them: `zk://user:password@hosts/path`.
A master, Apps and their znodes (the election, the registry, Apps' state) are created
everyone-read, creator-all; kazoo without the credentials reads who leads but cannot write
a false master, touch the registry or remove the leader's node; an agent given the plain
URL still finds the leader."""
import json

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.security import ACL, Id, Permissions

import servers
from daemons import Daemon, curl, wait_until


@pytest.fixture(scope="module")
def cluster():
    keeper_port = servers.free_port()
    keeper = servers.Server("corral", ["tickTime=2000", f"clientPort={keeper_port}", "clientPortAddress=127.0.0.1"],
                            keeper_port)
    hosts = f"127.0.0.1:{keeper_port}"
    master_port, agent_port, apps_port = servers.free_port(), servers.free_port(), servers.free_port()
    daemons = []
    try:
        daemons.append(Daemon("master", ["master", "--zk", f"zk://mesos:s3cret@{hosts}/mesos", "--port",
                                         str(master_port)], wait_port=master_port))
        daemons.append(Daemon("agent", ["agent", "--allow-root-tasks", "--master", f"zk://{hosts}/mesos", "--port", str(agent_port),
                                        "--isolation", "none", "--resources", "cpus:1;mem:256;disk:256"],
                              wait_port=agent_port))
        daemons.append(Daemon("apps", ["apps", "--zk", f"zk://apps:apps-pw@{hosts}/apps", "--master",
                                       f"zk://mesos:s3cret@{hosts}/mesos", "--port", str(apps_port)],
                              wait_port=apps_port))
        wait_until(lambda: json.loads(curl(f"http://127.0.0.1:{master_port}/master/state").stdout)
                   .get("activated_slaves") == 1, 30, "the agent to find the master through Keeper")
        wait_until(lambda: curl(f"http://127.0.0.1:{apps_port}/v2/info").returncode == 0 and json.loads(
            curl(f"http://127.0.0.1:{apps_port}/v2/info").stdout).get("frameworkId"), 30, "Apps to subscribe")
        client = KazooClient(hosts=hosts)
        client.start(timeout=10)
        yield {"client": client, "hosts": hosts, "daemons": daemons, "master_port": master_port}
        client.stop()
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        keeper.stop()


def test_the_masters_znodes_are_everyone_read_creator_all(cluster):
    client = cluster["client"]
    for path in ("/mesos", "/mesos/registry", "/mesos/registry/agents", "/apps/leader", "/apps/state/apps"):
        acls, _ = client.get_acls(path)
        assert ACL(Permissions.READ, Id("world", "anyone")) in acls, (path, acls)
        assert any(a.id.scheme == "digest" and a.perms == Permissions.ALL for a in acls), (path, acls)
        assert not any(a.id.scheme == "world" and a.perms & Permissions.WRITE for a in acls), (path, acls)
    leader = sorted(c for c in client.get_children("/mesos") if c.startswith("json.info_"))[0]
    data, _ = client.get(f"/mesos/{leader}")
    assert json.loads(data)["port"], data


def test_another_client_cannot_write_a_false_master_or_registry(cluster):
    client = cluster["client"]
    fake = json.dumps({"id": "fake", "hostname": "evil", "port": 1, "ip": 0}).encode()
    with pytest.raises(NoAuthError):
        client.create("/mesos/json.info_", fake, sequence=True, ephemeral=True)
    with pytest.raises(NoAuthError):
        client.set("/mesos/registry", b'{"leader":"fake"}')
    with pytest.raises(NoAuthError):
        client.create("/mesos/registry/agents/fake", b"{}")
    leader = sorted(c for c in client.get_children("/mesos") if c.startswith("json.info_"))[0]
    with pytest.raises(NoAuthError):
        client.delete(f"/mesos/{leader}")
    with pytest.raises(NoAuthError):
        client.create("/apps/state/apps/fake", b"{}")


def test_the_credentials_write_where_anonymous_cannot(cluster):
    owner = KazooClient(hosts=cluster["hosts"], auth_data=[("digest", "mesos:s3cret")])
    owner.start(timeout=10)
    try:
        owner.create("/mesos/registry/probe", b"")
        owner.delete("/mesos/registry/probe")
    finally:
        owner.stop()


def test_without_authentication_the_ui_shows_keeper_read_only(cluster):
    master = next(d for d in cluster["daemons"] if d.name == "master")
    assert master
    port = cluster["master_port"]
    answer = json.loads(curl(f"http://127.0.0.1:{port}/corral/v1/keeper/znode?path=/").stdout)
    assert answer["writable"] is False
    refused = curl("-X", "POST", "-H", "Content-Type: application/octet-stream", "--data-binary", "x",
                   f"http://127.0.0.1:{port}/corral/v1/keeper/znode?path=/nope")
    assert "need the master's --authenticate-http-readwrite" in refused.stdout, refused
