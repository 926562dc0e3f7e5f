"""Fixtures of the security suite: test certificates (tlscerts.py) and TLS servers."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import servers  # noqa: E402
import tlscerts  # noqa: E402


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("certs"))
    tlscerts.write_all(directory)
    return directory


def tls_lines(certs, secure_port, client_auth="need", plain_port=None, extra=()):
    """The zoo.cfg lines of a TLS client port, as ZooKeeper 3.8 takes them."""
    lines = [
        "tickTime=2000",
        "secureClientPortAddress=127.0.0.1",
        f"secureClientPort={secure_port}",
        "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
        "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider",
        f"ssl.keyStore.location={certs}/server.pem",
        "ssl.keyStore.type=PEM",
        f"ssl.trustStore.location={certs}/ca.pem",
        "ssl.trustStore.type=PEM",
        f"ssl.clientAuth={client_auth}",
        "admin.enableServer=false",
        "4lw.commands.whitelist=*",
    ]
    if plain_port is not None:
        lines += [f"clientPort={plain_port}", "clientPortAddress=127.0.0.1"]
    return lines + list(extra)


@pytest.fixture
def start_server(request):
    """start_server(kind, lines, wait_port): a server stopped at the end of the test."""
    started = []

    def start(kind, lines, wait_port, member=None):
        server = servers.Server(kind, lines, wait_port, member=member)
        started.append(server)
        return server

    yield start
    for server in started:
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            sys.stderr.write(f"--- {server.kind} log ---\n{server.log()[-4000:]}\n")
        server.stop()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
