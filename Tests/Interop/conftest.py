"""Shared fixtures of the interop suites. The harness (Tests/Interop/run) exports
ZK_HOSTS (and INTEROP_CONFIG, the zoo.cfg it wrote for the server under test)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop import helpers  # noqa: E402


@pytest.fixture(scope="session")
def hosts():
    return helpers.hosts()


@pytest.fixture(scope="session")
def server_config():
    return helpers.server_config()


# --- Mid-way restart (Tests/Interop/run --restart-midway) ---------------------------
# Halfway through the suite the server is killed with SIGKILL and started again on the
# same data directory; every later test must still pass, and the server's zxid must not
# go back (nothing acknowledged was lost). In an ensemble the harness exports
# INTEROP_RESTART, a script that does it to the current leader (interop/ensemble.py
# restart-leader): it waits for a new leader among the others, starts the old one again,
# waits until it follows, and checks that no server's zxid went back.

_restart = {"after": 0, "done": 0}


def pytest_collection_modifyitems(session, config, items):
    if os.environ.get("INTEROP_RESTART_MIDWAY") == "1":
        _restart["after"] = max(1, len(items) // 2)


def _zxid():
    try:
        text = helpers.four_letter("srvr", timeout=1.0)
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Zxid: "):
            return int(line.split()[1], 16)
    return None


def _restart_leader():
    import subprocess

    proc = subprocess.run([os.environ["INTEROP_RESTART"]], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=180)
    print("\n[" + proc.stdout.strip() + "]")
    assert proc.returncode == 0, "the mid-way leader restart failed: " + proc.stdout


def _restart_server():
    import signal
    import subprocess
    import time

    if os.environ.get("INTEROP_RESTART"):
        return _restart_leader()
    before = _zxid()
    assert before is not None, "srvr did not report a zxid before the restart"
    with open(os.environ["INTEROP_SERVER_PIDFILE"]) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGKILL)
    helpers.wait_until(lambda: _zxid() is None, timeout=15, what="the killed server to stop answering")
    subprocess.run([os.environ["INTEROP_RELAUNCH"]], check=True, timeout=30)
    deadline = time.monotonic() + 60
    after = None
    while time.monotonic() < deadline:
        after = _zxid()
        if after is not None:
            break
        time.sleep(0.1)
    assert after is not None, "the server did not come back within 60 s"
    assert after >= before, "zxid went back from 0x%x to 0x%x across the restart" % (before, after)
    print("\n[restarted the server with SIGKILL: zxid 0x%x before, 0x%x after]" % (before, after))


def pytest_runtest_teardown(item, nextitem):
    if not _restart["after"] or _restart["done"]:
        return
    _restart["count"] = _restart.get("count", 0) + 1
    if _restart["count"] == _restart["after"]:
        _restart["done"] = 1
        _restart_server()
