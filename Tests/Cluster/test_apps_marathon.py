"""Apps driven by Marathon's own Python client (marathon 0.13.0 from PyPI, pinned in the
venv, unmodified), against the standby instance (which forwards to the leader): create,
list with embeds and filters, kill a task, scale up and down, a rolling change followed
through the client's event stream, restart, versions, queue, groups, info, leader,
deployments, kill_given_tasks, delete."""
import collections
import collections.abc
import threading
import time

import pytest

from apps import Apps, HEALTH_SERVER
from cluster import wait_until

# The client's JSON encoder still names collections.Iterable (gone in Python 3.10); the
# client is used as published, this only restores the old name it looks up.
collections.Iterable = collections.abc.Iterable

from marathon import MarathonClient  # noqa: E402
from marathon.models import MarathonApp, MarathonHealthCheck  # noqa: E402

APP = "/client/web"


@pytest.fixture(scope="module")
def apps(cluster):
    a = Apps(cluster).start()
    yield a
    a.stop()


@pytest.fixture(scope="module")
def client(apps):
    return MarathonClient(["http://%s" % apps.standby.address], timeout=30)


def app_definition(instances, version="1"):
    return MarathonApp(
        cmd="exec python3 %s" % HEALTH_SERVER, instances=instances, cpus=0.1, mem=32,
        env={"FAIL_DIR": "/nonexistent", "VERSION": version}, labels={"tier": "web"}, backoff_seconds=1,
        health_checks=[MarathonHealthCheck(
            protocol="HTTP", path="/health", port_index=0, grace_period_seconds=30, interval_seconds=2,
            timeout_seconds=1, max_consecutive_failures=2)])


def settled(client, count, version=None):
    def check():
        app = client.get_app(APP)
        return (app.tasks_running == count and app.tasks_healthy == count and len(app.tasks) == count
                and not app.deployments and (version is None or app.env["VERSION"] == version)) and app
    return wait_until(check, 60, "%s to settle on %d healthy tasks" % (APP, count), interval=0.25)


class EventThread:
    """The client's event_stream, read on a thread."""

    def __init__(self, client, types):
        self.events = []
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(client, types), daemon=True)
        self.thread.start()

    def _run(self, client, types):
        try:
            for event in client.event_stream(event_types=types):
                self.events.append(event)
        except Exception as e:  # noqa: BLE001 - kept for the test to show
            self.error = e


def test_the_marathon_client_drives_an_app(apps, client):
    assert client.ping().strip() in (b"pong", b'"pong"')
    info = client.get_info()
    assert info.framework_id and info.leader == apps.leader.address
    assert client.get_leader() == {"leader": apps.leader.address}

    events = EventThread(client, ["deployment_info", "deployment_success", "status_update_event"])
    time.sleep(0.5)
    created = client.create_app(APP, app_definition(3))
    assert isinstance(created, MarathonApp) and created.id == APP
    app = settled(client, 3)

    listed = client.list_apps(embed_counts=True, embed_tasks=True, app_id="/client", label="tier==web")
    assert [a.id for a in listed] == [APP] and listed[0].tasks_healthy == 3
    assert client.list_apps(label="tier==db") == []
    assert [a.id for a in client.list_apps(cmd="healthserver")] == [APP]

    tasks = client.list_tasks(APP)
    assert len(tasks) == 3 and all(t.service_ports for t in tasks)
    assert len(client.list_endpoints()) == 3
    killed = client.kill_task(APP, tasks[0].id, scale=False)
    assert killed.id == tasks[0].id
    wait_until(lambda: tasks[0].id not in {t.id for t in settled(client, 3).tasks}, 60, "the task replaced")

    client.scale_app(APP, 5)
    settled(client, 5)
    client.scale_app(APP, 2)
    app = settled(client, 2)

    result = client.update_app(APP, app_definition(2, version="2"))
    assert result["deploymentId"] and result["version"]
    assert any(d.id == result["deploymentId"] for d in client.list_deployments()) or not client.list_deployments()
    settled(client, 2, version="2")
    wait_until(lambda: any(e.event_type == "deployment_success" and e.id == result["deploymentId"]
                           for e in events.events), 20, "the client to read deployment_success")
    assert any(e.event_type == "deployment_info" for e in events.events)
    assert any(e.event_type == "status_update_event" and e.app_id == APP for e in events.events)
    assert events.error is None, events.error

    restarted = client.restart_app(APP)
    assert restarted["deploymentId"]
    settled(client, 2)
    versions = client.list_versions(APP)
    assert len(versions) >= 4
    old = client.get_version(APP, versions[-1])
    assert old.id == APP and old.instances == 3

    assert client.list_queue() == []
    client.reset_delay(APP)
    group = client.get_group("/client")
    assert [a.id for a in group.apps] == [APP]
    assert "/client" in [g.id for g in client.list_groups()]

    ids = [t.id for t in client.list_tasks(APP)]
    assert client.kill_given_tasks(ids[:1]) is True
    settled(client, 2)

    client.delete_app(APP)
    wait_until(lambda: client.list_apps() == [], 30, "the app to be deleted")
    wait_until(lambda: client.list_tasks() == [], 30, "every task to end")


def test_the_marathon_client_drives_a_group(apps, client):
    from marathon.models import MarathonGroup
    group = MarathonGroup(id="/client-shop", apps=[
        MarathonApp(id="web", cmd="sleep 600", instances=1, cpus=0.05, mem=16),
        MarathonApp(id="db", cmd="sleep 600", instances=1, cpus=0.05, mem=16),
    ])
    assert client.create_group(group)["deploymentId"]

    def running(count):
        apps_now = client.list_apps(app_id="/client-shop", embed_counts=True)
        return sorted(a.id for a in apps_now) == ["/client-shop/db", "/client-shop/web"] and all(
            a.tasks_running == count and not a.deployments for a in apps_now)
    wait_until(lambda: running(1), 60, "both apps of the group running")
    assert sorted(a.id for a in client.get_group("/client-shop").apps) == ["/client-shop/db", "/client-shop/web"]
    client.scale_group("/client-shop", 2)
    wait_until(lambda: running(2), 60, "the group scaled by 2")
    client.delete_group("/client-shop")
    wait_until(lambda: client.list_apps(app_id="/client-shop") == [], 30, "the group deleted")
