"""SASL DIGEST-MD5 (ZooKeeper's sasl scheme) and enforce.auth with the clients ZooKeeper
users have: kazoo's sasl_options (pure-sasl) and ZooKeeper's Java client with a JAAS
Client section; the same zoo.cfg and JAAS file on Apache ZooKeeper."""
import os
import time

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, ConnectionClosedError, NoAuthError, SessionClosedRequireSaslError
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.protocol.states import KeeperState
from kazoo.security import make_acl

import servers

JAAS_SERVER = """
Server {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    user_bob="bob-secret"
    user_admin="admin-secret";
};
"""


def sasl_lines(directory, port, enforce=False):
    jaas = os.path.join(directory, "jaas.conf")
    with open(jaas, "w") as f:
        f.write(JAAS_SERVER)
    lines = [
        "tickTime=2000", f"clientPort={port}", "clientPortAddress=127.0.0.1", "admin.enableServer=false",
        "authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
        f"java.security.auth.login.config={jaas}", "superUser=admin",
    ]
    if enforce:
        lines += ["enforce.auth.enabled=true", "enforce.auth.schemes=sasl"]
    return lines


def kazoo(port, user=None, password=None, timeout=15):
    options = {"sasl_options": {"mechanism": "DIGEST-MD5", "username": user, "password": password}} if user else {}
    client = KazooClient(hosts=f"127.0.0.1:{port}", timeout=timeout, connection_retry={"max_tries": 1}, **options)
    client.start(timeout=timeout)
    return client


@pytest.fixture(params=["corral", "zookeeper"])
def server(request, tmp_path, start_server):
    port = servers.free_port()
    started = start_server(request.param, sasl_lines(str(tmp_path), port), port)
    started.port = port
    return started


def test_kazoo_logs_in_with_digest_md5_and_sasl_acls_hold(server):
    bob = kazoo(server.port, "bob", "bob-secret")
    bob.create("/bob", b"b", acl=[make_acl("sasl", "bob", all=True)])
    assert bob.get("/bob")[0] == b"b"
    anonymous = kazoo(server.port)
    with pytest.raises(NoAuthError):
        anonymous.get("/bob")
    admin = kazoo(server.port, "admin", "admin-secret")  # superUser
    assert admin.get("/bob")[0] == b"b"
    for client in (bob, anonymous, admin):
        client.stop()


def test_a_wrong_password_fails_authentication(server):
    # kazoo reports the session connected before its SASL exchange; when that fails it
    # closes the client (AUTH_FAILED, then CLOSED) and stops reconnecting.
    client = KazooClient(
        hosts=f"127.0.0.1:{server.port}", timeout=10, connection_retry={"max_tries": 1},
        sasl_options={"mechanism": "DIGEST-MD5", "username": "bob", "password": "guess"})
    try:
        client.start(timeout=10)
    except KazooTimeoutError:
        pass
    deadline = time.monotonic() + 10
    while client.client_state not in (KeeperState.AUTH_FAILED, KeeperState.CLOSED):
        assert time.monotonic() < deadline, f"state {client.client_state}"
        time.sleep(0.1)
    with pytest.raises((AuthFailedError, ConnectionClosedError)):
        client.get("/")
    client.stop()
    if server.kind == "corral":
        assert "SASL authentication failed from 127.0.0.1: wrong password for bob" in server.log()


def test_zookeepers_java_client_logs_in_with_a_jaas_client_section(server, tmp_path):
    client_jaas = tmp_path / "client.jaas"
    client_jaas.write_text(
        'Client { org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password="bob-secret"; };\n')
    properties = {"java.security.auth.login.config": str(client_jaas), "zookeeper.sasl.client": "true"}
    code, out = servers.java_client(server.port, "whoami", properties=properties)
    assert code == 0 and "sasl" in out and "bob" in out, out


@pytest.mark.parametrize("kind", ["corral", "zookeeper"])
def test_enforce_auth_lets_an_unauthenticated_session_do_nothing(kind, tmp_path, start_server):
    port = servers.free_port()
    start_server(kind, sasl_lines(str(tmp_path), port, enforce=True), port)
    anonymous = KazooClient(hosts=f"127.0.0.1:{port}", timeout=10, connection_retry={"max_tries": 1})
    anonymous.start(timeout=10)
    with pytest.raises(SessionClosedRequireSaslError):
        anonymous.get("/")
    anonymous.stop()
    bob = kazoo(port, "bob", "bob-secret")
    assert bob.exists("/") is not None
    bob.stop()
