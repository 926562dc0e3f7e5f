"""Keeper's TLS client port with the clients ZooKeeper users have: kazoo (use_ssl),
ZooKeeper's Java client over Netty (zookeeper.client.secure) and zkcli --tls; x509
identities in ACLs; certificates refused and reloaded. The zoo.cfg lines are
ZooKeeper 3.8's, and the parity test runs them on Apache ZooKeeper too."""
import os
import shutil
import socket
import ssl
import time

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.security import make_acl

import servers
from conftest import tls_lines

ALICE = "CN=alice,O=Corral,C=US"
ADMIN = "CN=admin,O=Corral,C=US"


def kazoo(port, certs, who="alice", ca="ca.pem", timeout=10):
    """A started kazoo client over TLS; `who` None sends no client certificate."""
    args = {"use_ssl": True, "ca": os.path.join(certs, ca), "verify_certs": True}
    if who:
        args["certfile"] = os.path.join(certs, f"{who}-cert.pem")
        args["keyfile"] = os.path.join(certs, f"{who}-key.pem")
    client = KazooClient(hosts=f"127.0.0.1:{port}", timeout=timeout, connection_retry={"max_tries": 2}, **args)
    client.start(timeout=timeout)
    return client


def refused(port, certs, **args):
    """kazoo gets no session: the handshake is refused on every try."""
    with pytest.raises(KazooTimeoutError):
        client = kazoo(port, certs, timeout=4, **args)
        client.stop()


def peer_organisation(port, certs):
    """The O= of the certificate the server presents to a new connection."""
    context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    context.load_cert_chain(os.path.join(certs, "alice-cert.pem"), os.path.join(certs, "alice-key.pem"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            subject = dict(item[0] for item in tls.getpeercert()["subject"])
            return subject["organizationName"]


@pytest.fixture
def keeper(certs, start_server):
    port = servers.free_port()
    lines = tls_lines(certs, port, extra=[f"X509AuthenticationProvider.superUser={ADMIN}"])
    server = start_server("corral", lines, port)
    server.port = port
    return server


def test_kazoo_over_tls_reads_and_writes_as_its_certificate(keeper, certs):
    client = kazoo(keeper.port, certs)
    client.create("/tls", b"over tls")
    assert client.get("/tls")[0] == b"over tls"
    client.stop()
    code, out = servers.zkcli(keeper.port, "whoami", tls=["--tls", "--ca", f"{certs}/ca.pem", "--cert", f"{certs}/alice.pem"])
    assert code == 0 and f"x509: {ALICE}" in out, out


def test_a_client_without_the_right_certificate_is_refused(keeper, certs):
    refused(keeper.port, certs, who=None)  # ssl.clientAuth=need
    refused(keeper.port, certs, who="expired")
    refused(keeper.port, certs, who="future")
    refused(keeper.port, certs, who="stranger")  # signed by another CA
    assert "TLS handshake with 127.0.0.1" in keeper.log()
    # The server still serves the clients that have one.
    kazoo(keeper.port, certs).stop()


def test_a_server_certificate_the_client_does_not_trust_is_refused(keeper, certs):
    refused(keeper.port, certs, ca="other-ca.pem")
    code, out = servers.zkcli(
        keeper.port, "ls", "/", tls=["--tls", "--ca", f"{certs}/other-ca.pem", "--cert", f"{certs}/alice.pem"])
    assert code == 1 and "TLS handshake failed" in out and "CERTIFICATE_VERIFY_FAILED" in out, out


def test_x509_acls_let_the_owner_and_the_super_user_in_and_no_one_else(keeper, certs):
    alice = kazoo(keeper.port, certs)
    alice.create("/alice", b"mine", acl=[make_acl("x509", ALICE, all=True)])
    alice.create("/auth", b"auth", acl=[make_acl("auth", "", all=True)])
    assert alice.get_acls("/auth")[0][0].id.scheme == "x509"
    assert alice.get_acls("/auth")[0][0].id.id == ALICE
    bob = kazoo(keeper.port, certs, who="bob")
    for path in ("/alice", "/auth"):
        with pytest.raises(NoAuthError):
            bob.get(path)
    admin = kazoo(keeper.port, certs, who="admin")
    assert admin.get("/alice")[0] == b"mine"
    admin.set("/alice", b"seen by admin")
    assert alice.get("/alice")[0] == b"seen by admin"
    for client in (alice, bob, admin):
        client.stop()


def test_want_lets_a_client_without_a_certificate_in_without_an_x509_identity(certs, start_server):
    port = servers.free_port()
    server = start_server("corral", tls_lines(certs, port, client_auth="want"), port)
    anonymous = kazoo(port, certs, who=None)
    alice = kazoo(port, certs)
    alice.create("/only-alice", b"", acl=[make_acl("x509", ALICE, read=True)])
    with pytest.raises(NoAuthError):
        anonymous.get("/only-alice")
    assert alice.get("/only-alice")[0] == b""
    refused(port, certs, who="stranger")  # a certificate, if sent, must still be trusted
    anonymous.stop()
    alice.stop()
    assert server.process.poll() is None


def test_the_plaintext_port_beside_the_secure_one(certs, start_server):
    secure, plain = servers.free_port(), servers.free_port()
    start_server("corral", tls_lines(certs, secure, plain_port=plain), plain)
    over_tls = kazoo(secure, certs)
    over_tls.create("/both", b"1")
    plaintext = KazooClient(hosts=f"127.0.0.1:{plain}")
    plaintext.start(timeout=10)
    assert plaintext.get("/both")[0] == b"1"
    plaintext.stop()
    over_tls.stop()


def test_zookeepers_java_client_over_netty(keeper, certs):
    properties = servers.java_tls_properties(certs)
    code, out = servers.java_client(keeper.port, "create", "/java", "from-java", properties=properties)
    assert code == 0 and "Created /java" in out, out
    code, out = servers.java_client(keeper.port, "get", "/java", properties=properties)
    assert code == 0 and "from-java" in out, out
    code, out = servers.java_client(
        keeper.port, "get", "/java", properties=servers.java_tls_properties(certs, key_store=None), timeout=90)
    assert "from-java" not in out, out


def test_zkcli_over_tls(keeper, certs):
    flags = ["--tls", "--ca", f"{certs}/ca.pem", "--cert", f"{certs}/alice-cert.pem", "--key", f"{certs}/alice-key.pem"]
    assert servers.zkcli(keeper.port, "create", "/zkcli", "z", tls=flags)[0] == 0
    code, out = servers.zkcli(keeper.port, "get", "/zkcli", tls=flags)
    assert code == 0 and out.strip().endswith("z"), out
    code, out = servers.zkcli(keeper.port, "ls", "/", tls=["--tls", "--ca", f"{certs}/ca.pem"])
    assert code == 1 and "TLS handshake failed" in out, out


def test_certificates_are_reloaded_when_their_files_change(keeper, certs, tmp_path):
    assert peer_organisation(keeper.port, certs) == "Corral"
    session = kazoo(keeper.port, certs)
    # Replace the key store the way a certificate renewal does: a new file renamed over it.
    original = os.path.join(certs, "server.pem")
    saved = tmp_path / "server.pem"
    shutil.copy(original, saved)
    try:
        staged = original + ".new"
        shutil.copy(os.path.join(certs, "server2.pem"), staged)
        os.rename(staged, original)
        deadline = time.monotonic() + 10
        while peer_organisation(keeper.port, certs) != "Corral Renewed":
            assert time.monotonic() < deadline, "the new certificate was not served within 10 s"
            time.sleep(0.3)
        assert session.exists("/") is not None  # a connection made before keeps working
        assert "TLS files changed" in keeper.log()
    finally:
        shutil.copy(saved, original)
        session.stop()


@pytest.mark.parametrize("kind", ["corral", "zookeeper"])
def test_the_same_zoo_cfg_serves_tls_on_keeper_and_on_apache_zookeeper(kind, certs, start_server):
    port = servers.free_port()
    start_server(kind, tls_lines(certs, port), port)
    client = kazoo(port, certs, timeout=20)
    client.create("/parity", b"p", acl=[make_acl("x509", ALICE, all=True)])
    assert client.get_acls("/parity")[0][0].id.id == ALICE
    client.stop()
    bob = kazoo(port, certs, who="bob", timeout=20)
    with pytest.raises(NoAuthError):
        bob.get("/parity")
    bob.stop()
    refused(port, certs, who=None)
