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
