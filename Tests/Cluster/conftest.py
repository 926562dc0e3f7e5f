"""The session's cluster (cluster.py) and what every test needs around it."""
import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from cluster import FIGURES, Cluster  # noqa: E402


def corral_bin():
    path = os.environ.get("CORRAL_BIN") or os.path.join(ROOT, ".build", "debug", "corral")
    if not os.path.isabs(path):
        path = os.path.join(ROOT, path)
    return path


_failed = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        _failed.append(item.nodeid)
        c = getattr(item.session, "corral_cluster", None)
        if c is not None:
            report.sections.append(("corral logs (tails)", c.log_tails(30)))


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def cluster(request):
    binary = corral_bin()
    if not os.access(binary, os.X_OK):
        pytest.exit("no corral binary at %s: build it (swift build) or set CORRAL_BIN" % binary, 2)
    workdir = tempfile.mkdtemp(prefix="corral-cluster-")
    c = Cluster(binary, workdir)
    request.session.corral_cluster = c
    sys.stderr.write("\ncluster: binary %s, logs in %s\n" % (binary, workdir))
    try:
        c.start()
    except BaseException:
        sys.stderr.write("cluster: start-up failed; log tails:\n%s\n" % c.log_tails(40))
        problems = c.stop()
        if problems:
            sys.stderr.write("cluster: stop: %s\n" % "\n".join(problems))
        raise
    sys.stderr.write("cluster: keepers %s, masters %s (leader %s), agents %s\n" % (
        c.keeper_ports, [m.port for m in c.masters], c.leader.port, [a.port for a in c.agents]))
    yield c
    died = [d.name for d in c.daemons() if not d.alive()]
    problems = c.stop()
    request.session.corral_cluster = None
    if c.removed_cgroups:
        sys.stderr.write("\ncluster: removed the agents' empty cgroup roots %s\n" % c.removed_cgroups)
    if died or problems or _failed:
        sys.stderr.write("\ncluster: logs kept in %s\n" % workdir)
        if died:
            sys.stderr.write("cluster: log tails:\n%s\n" % c.log_tails(40))
    elif not os.environ.get("CLUSTER_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)
    assert not died, "daemons died during the session: %s" % died
    assert not problems, "teardown found:\n" + "\n".join(problems)


@pytest.fixture(autouse=True)
def cluster_alive(request):
    """After each test that used the cluster, every daemon must still run."""
    yield
    if "cluster" in request.fixturenames:
        c = request.getfixturevalue("cluster")
        c.check_all_alive()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module (browser.py)."""
    from browser import new_driver
    driver = new_driver()
    yield driver
    driver.quit()
