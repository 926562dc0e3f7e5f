"""Fixtures for the kazoo suite: started clients that are always stopped, and a
unique root znode per test so tests never see each other's nodes."""
import logging
import threading

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError

from interop import helpers

logging.getLogger("kazoo").setLevel(logging.WARNING)

CONNECT_TIMEOUT = 15


class ClientFactory:
    def __init__(self, hosts):
        self.hosts = hosts
        self.clients = []

    def __call__(self, start=True, **kwargs):
        kwargs.setdefault("timeout", 10.0)
        kwargs.setdefault("hosts", self.hosts)  # a test may pin a client to some servers
        client = KazooClient(**kwargs)
        self.clients.append(client)
        if start:
            client.start(timeout=CONNECT_TIMEOUT)
        return client

    def close_all(self):
        for client in self.clients:
            try:
                client.stop()
            except Exception:
                pass
            try:
                client.close()
            except Exception:
                pass


@pytest.fixture
def make_client(hosts):
    factory = ClientFactory(hosts)
    yield factory
    factory.close_all()


@pytest.fixture
def zk(make_client):
    return make_client()


@pytest.fixture
def root(zk, request):
    """A fresh persistent znode /interop/<test>-<random>, deleted afterwards."""
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
    path = "/interop/%s" % helpers.unique(name[:60])
    zk.ensure_path(path)
    yield path
    try:
        if zk.connected:
            zk.delete(path, recursive=True)
    except NoNodeError:
        pass
    except Exception:
        # A test may leave nodes it cannot delete (ACLs); the server is thrown away
        # after the suite anyway.
        pass


class EventRecorder:
    """A kazoo watch callback that records events and lets the test wait for them."""

    def __init__(self):
        self.events = []
        self.cond = threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait(self, count=1, timeout=10.0):
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.events) >= count, timeout)
        assert ok, "expected %d watch event(s) within %.1fs, got %r" % (count, timeout, self.events)
        return self.events[:count]

    def quiet(self, duration=0.5):
        """Assert that no (further) event arrives for duration seconds."""
        with self.cond:
            before = len(self.events)
            self.cond.wait_for(lambda: len(self.events) > before, duration)
            assert len(self.events) == before, "unexpected watch event(s): %r" % self.events[before:]


@pytest.fixture
def recorder():
    return EventRecorder
