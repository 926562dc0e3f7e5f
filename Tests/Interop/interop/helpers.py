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


def host_port():
    host, port = hosts().split(",")[0].rsplit(":", 1)
    return host, int(port)


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


def four_letter(word, timeout=5.0):
    """Send a four-letter word on a fresh connection; return everything the server
    writes before it closes the connection."""
    host, port = host_port()
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
