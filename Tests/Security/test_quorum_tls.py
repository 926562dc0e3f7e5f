"""Quorum TLS: three `corral keeper` servers that talk to each other over TLS
(sslQuorum, ssl.quorum.*), a server whose certificate the others do not trust kept out
with a log line, and an ensemble in the middle of a switch to TLS (portUnification)."""
import time

from kazoo.client import KazooClient

import servers


def ensemble_lines(ports, extra):
    lines = ["tickTime=500", "initLimit=10", "syncLimit=5", "4lw.commands.whitelist=*"]
    for member, (client, peer, election) in enumerate(ports, start=1):
        lines.append(f"server.{member}=127.0.0.1:{peer}:{election};127.0.0.1:{client}")
    return lines + extra


def member_tls(certs, key_store="server.pem", ssl_quorum=True, unification=False):
    lines = [
        f"ssl.quorum.keyStore.location={certs}/{key_store}", f"ssl.quorum.trustStore.location={certs}/ca.pem",
        f"sslQuorum={'true' if ssl_quorum else 'false'}",
    ]
    return lines + (["portUnification=true"] if unification else [])


def mode(port):
    """srvr's Mode, or None while the server does not serve."""
    with servers.socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"srvr")
        s.settimeout(2)
        text = s.recv(4096).decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("Mode:"):
            return line.split(":", 1)[1].strip()
    return None


def wait_modes(ports, want, deadline_s=30):
    end = time.monotonic() + deadline_s
    seen = []
    while time.monotonic() < end:
        seen = []
        for client, _, _ in ports:
            try:
                seen.append(mode(client))
            except OSError:
                seen.append(None)
        if sorted(m or "down" for m in seen) == sorted(want):
            return seen
        time.sleep(0.3)
    raise AssertionError(f"modes {seen}, wanted {want}")


def start_ensemble(start_server, certs, tls_of_member):
    ports = [(servers.free_port(), servers.free_port(), servers.free_port()) for _ in range(3)]
    started = []
    for member in (1, 2, 3):
        # Each member gets the shared lines and its own TLS lines; one file per member.
        lines = ensemble_lines(ports, tls_of_member(member))
        started.append(start_server("corral", lines, ports[member - 1][0], member=member))
    return ports, started


def replicated(ports):
    writer = KazooClient(hosts=f"127.0.0.1:{ports[0][0]}", timeout=10)
    writer.start(timeout=15)
    path = writer.create("/quorum-tls-", b"x", sequence=True)
    for client, _, _ in ports:
        reader = KazooClient(hosts=f"127.0.0.1:{client}", timeout=10)
        reader.start(timeout=15)
        reader.sync(path)
        assert reader.get(path)[0] == b"x"
        reader.stop()
    writer.stop()


def test_an_ensemble_over_quorum_tls(certs, start_server):
    ports, started = start_ensemble(start_server, certs, lambda member: member_tls(certs))
    wait_modes(ports, ["leader", "follower", "follower"])
    replicated(ports)
    assert all("quorum port" in s.log() and "(TLS)" in s.log() for s in started)


def test_a_server_the_others_do_not_trust_is_kept_out_and_the_log_says_why(certs, start_server):
    def tls(member):
        return member_tls(certs, key_store="stranger-server.pem" if member == 3 else "server.pem")

    ports, started = start_ensemble(start_server, certs, tls)
    wait_modes(ports[:2], ["leader", "follower"])
    time.sleep(2)
    assert mode(ports[2][0]) in (None, "looking"), "server 3 has no quorum and serves nothing"
    logs = "".join(s.log() for s in started)
    assert "TLS handshake with 127.0.0.1" in logs and "ssl.quorum.trustStore" in logs, logs[-3000:]
    writer = KazooClient(hosts=f"127.0.0.1:{ports[0][0]},127.0.0.1:{ports[1][0]}", timeout=10)
    writer.start(timeout=15)
    writer.create("/still-serving", b"")
    writer.stop()


def test_a_certificate_of_the_quorum_ca_that_names_another_host_cannot_speak_as_a_server(certs, start_server):
    # alice.pem chains to the same CA but names no host: server 3 presents it, so servers 1
    # and 2 refuse its hello as server 3 (it would otherwise be anyone with a certificate).
    def tls(member):
        return member_tls(certs, key_store="alice.pem" if member == 3 else "server.pem")

    ports, started = start_ensemble(start_server, certs, tls)
    wait_modes(ports[:2], ["leader", "follower"])
    time.sleep(1)
    assert mode(ports[2][0]) in (None, "looking")
    logs = started[0].log() + started[1].log()
    assert "claiming to be server 3 (127.0.0.1) has a certificate for no host" in logs, logs[-3000:]


def test_a_switch_to_tls_one_server_at_a_time_keeps_the_quorum(certs, start_server):
    # Mid-switch: servers 1 and 2 speak TLS and accept plaintext too; server 3 still speaks
    # plaintext (it connects to 1 and 2, which take it through portUnification).
    def tls(member):
        return member_tls(certs, ssl_quorum=member != 3, unification=member != 3)

    ports, started = start_ensemble(start_server, certs, tls)
    wait_modes(ports, ["leader", "follower", "follower"])
    replicated(ports)
    assert "server 3 connected in plaintext (portUnification)" in started[0].log() + started[1].log()
