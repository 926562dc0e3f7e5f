"""What only an ensemble has (Tests/Interop/run --ensemble N): clients pinned to
different servers write through each of them with one linearizable history, sync brings
a server up to date, and a client that moves to another server keeps its session and its
ephemerals. (That it keeps its watches is checked with the C client, which re-registers
them: test_cli_mt. kazoo does not.) Skipped against a single server."""
import threading

import pytest
from kazoo.client import KazooState
from kazoo.exceptions import BadVersionError
from kazoo.protocol.connection import _CONNECTION_DROP

from interop import helpers

pytestmark = pytest.mark.skipif(not helpers.is_ensemble(), reason="standalone: one server")


def address(server):
    return "%s:%d" % server


def test_conditional_writes_through_every_server_form_one_history(make_client, root):
    servers = helpers.host_ports()
    clients = [make_client(hosts=address(s)) for s in servers]
    for client, server in zip(clients, servers):
        assert helpers.connected_server(client) == server
    path = root + "/counter"
    clients[0].create(path, b"0")
    per_client = 15
    won = []  # the version each successful conditional write produced
    guard = threading.Lock()
    errors = []

    def bump(client):
        try:
            done = 0
            while done < per_client:
                data, stat = client.get(path)
                try:
                    new = client.set(path, str(int(data) + 1).encode(), version=stat.version)
                except BadVersionError:
                    client.sync(path)  # another server's writer won; catch up and retry
                    continue
                with guard:
                    won.append(new.version)
                done += 1
        except Exception as exc:  # noqa: B902 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "writers still running after 60 s"
    assert not errors, errors
    total = per_client * len(clients)
    # No two writers on different servers both won the same version.
    assert sorted(won) == list(range(1, total + 1))
    results = set()
    for client in clients:
        client.sync(path)
        data, stat = client.get(path)
        results.add((data, stat.version, stat.mzxid))
    assert len(results) == 1, results
    assert results.pop()[:2] == (str(total).encode(), total)


def test_sync_brings_the_readers_server_up_to_date(make_client, root):
    servers = helpers.host_ports()
    writer = make_client(hosts=address(servers[0]))
    readers = [make_client(hosts=address(s)) for s in servers[1:]]
    path = root + "/n"
    writer.create(path, b"0")
    for i in range(1, 31):
        stat = writer.set(path, str(i).encode())
        for reader in readers:
            reader.sync(path)
            data, seen = reader.get(path)
            assert (data, seen.mzxid) == (str(i).encode(), stat.mzxid)


def test_client_moving_to_another_server_keeps_session_and_ephemerals(make_client, root):
    servers = helpers.host_ports()
    # kazoo tries the hosts in the given order: it connects to the first and, when that
    # connection drops, goes on to the second.
    client = make_client(hosts=",".join(address(s) for s in servers[:2]), randomize_hosts=False)
    observer = make_client(hosts=address(servers[-1]))
    assert helpers.connected_server(client) == servers[0]
    session_id = client.client_id[0]
    client.create(root + "/eph", b"x", ephemeral=True)
    states = []
    client.add_listener(states.append)
    client._call(_CONNECTION_DROP, client.handler.async_result())
    helpers.wait_until(lambda: KazooState.SUSPENDED in states, timeout=5, what="disconnect")
    helpers.wait_until(lambda: client.connected and states[-1] == KazooState.CONNECTED,
                       timeout=15, what="reconnect")
    assert helpers.connected_server(client) == servers[1]
    assert client.client_id[0] == session_id
    assert KazooState.LOST not in states
    # The session's ephemeral is there on the new server, the session writes through it,
    # and both ephemerals go when it ends.
    assert client.exists(root + "/eph").ephemeralOwner == session_id
    client.create(root + "/eph2", ephemeral=True)
    client.set(root + "/eph", b"y")
    helpers.catch_up(observer, root)
    assert observer.exists(root + "/eph2").ephemeralOwner == session_id
    assert observer.get(root + "/eph")[0] == b"y"
    client.stop()
    helpers.catch_up(observer, root)
    assert observer.get_children(root) == []
