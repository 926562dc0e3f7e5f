"""Helpers shared by the interop suites: where the server is, what config it runs,
bounded waiting, and raw four-letter words."""
import os
import socket
import time
import uuid

# What Tests/Interop/run writes; used when the suites run against a server started
# elsewhere (--hosts), which is expected to be configured the same way.
DEFAULT_CONFIG = {
    "tickTime": "500",
    "minSessionTimeout": "1000",
    "maxSessionTimeout": "30000",
    "maxClientCnxns": "100",
    "4lw.commands.whitelist": "*",
    "jute.maxbuffer": "1048575",
    "extendedTypesEnabled": "true",
    "znode.container.checkIntervalMs": "1000",
}


def hosts():
    value = os.environ.get("ZK_HOSTS")
    if not value:
        raise RuntimeError("ZK_HOSTS is not set; run the suites through Tests/Interop/run")
    return value


def host_ports():
    """Every server of the connect string, as (host, port)."""
    out = []
    for item in hosts().split(","):
        host, port = item.strip().rsplit(":", 1)
        out.append((host, int(port)))
    return out


def host_port():
    """The first server: what tests that talk to "the" server use."""
    return host_ports()[0]


def first_host():
    """The connect string of the first server alone."""
    return "%s:%d" % host_port()


def is_ensemble():
    """Whether the suite runs against several servers (Tests/Interop/run --ensemble N, or
    --hosts with several). Then clients spread over the servers, each read is served by
    the client's own server, and a server may not yet have applied a write that another
    client's server has already answered."""
    return len(host_ports()) > 1


def catch_up(client, path="/"):
    """Before a client reads what another client wrote: in an ensemble, sync, so that the
    client's server has applied every write committed before; ZooKeeper only promises a
    read after another client's write without sync on a single server. Standalone it sends
    nothing, so the suites still check that a single server needs no sync."""
    if is_ensemble():
        client.sync(path)


def connected_server(client):
    """The (host, port) of the server a kazoo client is connected to."""
    return client._connection._socket.getpeername()[:2]


def server_kind():
    return os.environ.get("INTEROP_SERVER", "external")


def server_config():
    config = dict(DEFAULT_CONFIG)
    path = os.environ.get("INTEROP_CONFIG")
    if path:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    key, value = line.split("=", 1)
                    config[key.strip()] = value.strip()
    return config


def config_node_members(config):
    """What ZooKeeper 3.8 keeps in /zookeeper/config for the ensemble of config (a
    server_config() dict), before its `version=` line: one
    `server.N=host:peerPort:electionPort:participant;clientHost:clientPort` line per member,
    by id, the client host being clientPortAddress (0.0.0.0 without it) unless the line
    names one. Empty standalone; None with --hosts, whose server.N lines are unknown."""
    servers = []
    for key, value in config.items():
        if key.startswith("server."):
            quorum, _, client = value.partition(";")
            client_host, _, client_port = client.rpartition(":")
            client_host = client_host or config.get("clientPortAddress", "0.0.0.0")
            servers.append((int(key.split(".", 1)[1]),
                            "%s=%s:participant;%s:%s" % (key, quorum, client_host, client_port)))
    if not servers and is_ensemble():
        return None
    return [line for _, line in sorted(servers)]


def scratch_dir():
    path = os.environ.get("INTEROP_TMP") or "/tmp"
    os.makedirs(path, exist_ok=True)
    return path


def unique(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Poll predicate until it returns a truthy value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def four_letter(word, timeout=5.0, server=None):
    """Send a four-letter word on a fresh connection to server ((host, port); the first
    server by default); return everything it writes before it closes the connection."""
    host, port = server or host_port()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(word.encode() if isinstance(word, str) else word)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def settled(check, attempts=3):
    """Run check() until it passes, at most attempts times, re-raising the last failure.

    For exact global arithmetic (zxid counts, node counts) that a background write on
    the shared server (a session of an earlier test expiring, the container reaper)
    can disturb once; a server that gets the arithmetic wrong fails every attempt."""
    for attempt in range(attempts):
        try:
            return check()
        except AssertionError:
            if attempt == attempts - 1:
                raise
