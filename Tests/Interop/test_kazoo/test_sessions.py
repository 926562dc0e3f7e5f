"""Sessions: ephemerals die with their session (close, expiry by another connection,
expiry by timeout), reconnects keep the session, timeouts are negotiated."""
import logging
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from kazoo.client import KazooState
from kazoo.exceptions import AuthFailedError, ConnectionClosedError
from kazoo.protocol.connection import _CONNECTION_DROP
from kazoo.protocol.states import KeeperState

from interop import helpers


def test_ephemeral_removed_on_close(make_client, root):
    owner = make_client()
    watcher = make_client()
    owner.create(root + "/eph", b"x", ephemeral=True)
    helpers.catch_up(watcher, root)
    assert watcher.exists(root + "/eph").ephemeralOwner == owner.client_id[0]
    owner.stop()
    helpers.catch_up(watcher, root)
    assert watcher.exists(root + "/eph") is None


def test_close_fires_watches_of_other_clients(make_client, root, recorder):
    owner = make_client()
    observer = make_client()
    owner.create(root + "/eph", ephemeral=True)
    data_events = recorder()
    child_events = recorder()
    helpers.catch_up(observer, root)
    observer.exists(root + "/eph", watch=data_events)
    observer.get_children(root, watch=child_events)
    owner.stop()
    (event,) = data_events.wait(1)
    assert (event.type, event.path) == ("DELETED", root + "/eph")
    (event,) = child_events.wait(1)
    assert (event.type, event.path) == ("CHILD", root)


def test_closed_session_cannot_be_resumed(make_client, root):
    owner = make_client()
    session_id, password = owner.client_id
    owner.stop()
    again = make_client(start=False, client_id=(session_id, password))
    again.start()
    # kazoo gets timeOut 0 for the dead session and starts a new one.
    assert again.client_id[0] != session_id


def expire_session(make_client, client):
    """ZooKeeper's test trick: a second connection on the same session id and
    password, closed cleanly, ends the session for the first."""
    session_id, password = client.client_id
    other = make_client(start=False, client_id=(session_id, password))
    other.start()
    assert other.client_id[0] == session_id
    other.stop()


def test_ephemeral_removed_on_expiry(make_client, root):
    owner = make_client()
    observer = make_client()
    lost = []
    owner.add_listener(lambda state: lost.append(state) if state == KazooState.LOST else None)
    owner.create(root + "/eph", ephemeral=True)
    owner.create(root + "/eph-seq-", ephemeral=True, sequence=True)
    expire_session(make_client, owner)
    helpers.catch_up(observer, root)
    assert observer.get_children(root) == []
    # The first client learns about the expiry when it reconnects: kazoo reports LOST
    # and then gets a new session.
    helpers.wait_until(lambda: lost, timeout=15, what="owner to see its session lost")
    helpers.wait_until(lambda: owner.connected, timeout=15, what="owner to reconnect")
    assert owner.exists(root + "/eph") is None


def test_session_expires_after_timeout_when_client_is_gone(make_client, root):
    # A separate process holds an ephemeral with a 2 s session and is SIGKILLed: the
    # server keeps the session (and node) until the timeout passes, then removes it.
    observer = make_client()
    script = textwrap.dedent(
        """
        import sys, time
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1], timeout=2.0)
        zk.start(timeout=15)
        zk.create(sys.argv[2], b"", ephemeral=True)
        print("%d" % zk.client_id[0], flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, helpers.hosts(), root + "/eph"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip(), "the child process did not create its ephemeral"
        session_id = int(line)
        helpers.catch_up(observer, root)
        assert observer.exists(root + "/eph").ephemeralOwner == session_id
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    # The connection is gone but the session lives on until its timeout.
    assert observer.exists(root + "/eph") is not None
    helpers.wait_until(lambda: observer.exists(root + "/eph") is None, timeout=20,
                       what="the ephemeral of the dead session to go")
    elapsed = time.monotonic() - killed_at
    assert elapsed >= 1.0, "session ended %.2fs after its client died (timeout 2s)" % elapsed


def test_dropped_connection_keeps_session(make_client, root):
    client = make_client()
    states = []
    client.add_listener(states.append)
    session_id = client.client_id[0]
    client.create(root + "/eph", ephemeral=True)
    result = client.handler.async_result()
    client._call(_CONNECTION_DROP, result)
    helpers.wait_until(lambda: KazooState.SUSPENDED in states, what="SUSPENDED")
    helpers.wait_until(lambda: client.connected and states[-1] == KazooState.CONNECTED,
                       what="reconnect")
    assert client.client_id[0] == session_id
    assert client.exists(root + "/eph").ephemeralOwner == session_id
    assert KazooState.LOST not in states


def test_wrong_password_does_not_hijack_session(make_client, root):
    owner = make_client()
    session_id, password = owner.client_id
    owner.create(root + "/eph", ephemeral=True)
    bad = bytes(b ^ 0xFF for b in password)
    impostor = make_client(start=False, client_id=(session_id, bad))
    impostor.start()
    assert impostor.client_id[0] != session_id
    helpers.wait_until(lambda: owner.connected, what="owner connected")
    assert owner.client_id[0] == session_id
    helpers.catch_up(impostor, root)
    assert impostor.exists(root + "/eph").ephemeralOwner == session_id


def _negotiated(caplog, client):
    messages = [r.getMessage() for r in caplog.records if "negotiated session timeout" in r.getMessage()]
    assert messages, "kazoo logged no session creation"
    return int(re.search(r"negotiated session timeout: (\d+)", messages[-1]).group(1))


@pytest.mark.parametrize(
    "requested_s,key_expected",
    [(0.2, "minSessionTimeout"), (5.0, None), (600.0, "maxSessionTimeout")],
)
def test_session_timeout_is_clamped(make_client, caplog, server_config, requested_s, key_expected):
    caplog.set_level(1, logger="kazoo.client")  # kazoo logs it at its BLATHER level (5)
    client = make_client(start=False, timeout=requested_s)
    client.start()
    expected = int(server_config[key_expected]) if key_expected else int(requested_s * 1000)
    assert _negotiated(caplog, client) == expected


def test_unknown_auth_scheme_fails_connection(make_client):
    # A short session: kazoo gives up without closing it, so it lingers until expiry.
    client = make_client(timeout=1.0)
    states = []
    client.add_listener(states.append)
    with pytest.raises(AuthFailedError):
        client.add_auth("no-such-scheme", "whatever")
    # The server answers AUTHFAILED and closes the connection; kazoo reconnects,
    # re-sends the stored credential, fails again and gives up for good.
    helpers.wait_until(lambda: client.client_state == KeeperState.CLOSED,
                       what="kazoo to give up after the second auth failure")
    assert states[-1] == KazooState.LOST
    with pytest.raises((AuthFailedError, ConnectionClosedError)):
        client.get("/")


@pytest.mark.parametrize("scheme", ["world", "auth", "super"])
def test_schemes_without_provider_fail_auth(make_client, scheme):
    client = make_client(timeout=1.0)
    with pytest.raises(AuthFailedError):
        client.add_auth(scheme, "anyone")


def test_many_sessions_at_once(make_client, root):
    clients = [make_client() for _ in range(20)]
    ids = {c.client_id[0] for c in clients}
    assert len(ids) == 20
    for i, c in enumerate(clients):
        c.create("%s/e%02d" % (root, i), ephemeral=True)
    helpers.catch_up(clients[0], root)
    assert len(clients[0].get_children(root)) == 20
    for c in clients[1:]:
        c.stop()
    helpers.catch_up(clients[0], root)
    assert clients[0].get_children(root) == ["e00"]

