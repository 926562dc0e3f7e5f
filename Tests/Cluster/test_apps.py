"""Apps end to end: two `corral apps` instances beside the session's cluster, driven
through their REST API as a Marathon user would (the calls go to the standby, which
forwards them to the leader): an app of 3 healthy instances, a task killed and replaced,
scaled to 5 and back to 2, a rolling change of its command followed in the event stream,
a failing HTTP health check replaced, the app deleted; then the Apps leader SIGKILLed and
the standby taking over with no task restarted."""
import os
import signal
import tempfile
import time

import pytest

from apps import Apps, EventReader, app_info, cluster_state, health_app, master_tasks, wait_healthy
from cluster import figure, wait_until


@pytest.fixture(scope="module")
def apps(cluster):
    a = Apps(cluster).start()
    yield a
    a.stop()


@pytest.fixture(scope="module")
def fail_dir():
    with tempfile.TemporaryDirectory(prefix="corral-apps-fail-") as d:
        yield d


def framework_id(apps):
    return apps.leader.call("GET", "/v2/info").json()["frameworkId"]


def test_one_instance_leads_and_the_standby_forwards(apps):
    leader, standby = apps.leader, apps.standby
    assert leader.call("GET", "/v2/info").json()["elected"] is True
    assert standby.call("GET", "/v2/info").json()["elected"] is True  # forwarded: the leader answers
    assert standby.call("GET", "/v2/leader").json() == {"leader": leader.address}
    assert standby.call("GET", "/ping").body == b"pong"
    info = leader.call("GET", "/v2/info").json()
    for key in ("marathon_config", "zookeeper_config", "http_config"):
        assert isinstance(info[key], dict), key


def test_bad_input_changes_nothing(apps):
    via = apps.standby
    bad = {"id": "/Bad_Id", "cmd": "sleep 1", "instances": -1, "constraints": [["hostname", "SOMETIMES"]]}
    answer = via.call("POST", "/v2/apps", body=bad)
    assert answer.status == 422, answer
    body = answer.json()
    assert body["message"] == "Object is not valid"
    paths = {d["path"] for d in body["details"]}
    assert {"/id", "/instances", "/constraints(0)"} <= paths, body
    answer = via.call("POST", "/v2/apps", body=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status == 400 and answer.json()["message"] == "Invalid JSON", answer
    answer = via.call("POST", "/v2/apps", body={"id": "/x", "cmd": "sleep 1", "instances": "three"})
    assert answer.status == 422 and answer.json()["details"][0]["path"] == "/instances", answer
    # No agent of the cluster has 64 cpus (they have 2): refused, naming the field, once
    # the new leader has heard the agents from the master (until then such an app waits).
    attempts = []

    def refused_as_too_large():
        attempts.append("/huge-%d" % len(attempts))
        answer = via.call("POST", "/v2/apps", body={"id": attempts[-1], "cmd": "sleep 1", "cpus": 64})
        if answer.status == 201:
            assert via.call("DELETE", "/v2/apps%s" % attempts[-1]).status == 200
        return answer.status == 422 and answer.json()["details"][0]["path"] == "/cpus" and answer
    answer = wait_until(refused_as_too_large, 15, "Apps to know the agents and refuse an app none could hold")
    assert "the largest has 2" in answer.json()["details"][0]["errors"][0], answer
    wait_until(lambda: via.call("GET", "/v2/apps").json()["apps"] == [], 10, "no app left")
    assert via.call("GET", "/v2/apps/nothing-here").status == 404


def test_an_app_kept_alive_scaled_changed_and_deleted(apps, cluster, fail_dir):
    via = apps.standby
    events = EventReader(apps.leader)
    try:
        app_id = "/e2e/web"
        started = time.monotonic()
        answer = via.call("POST", "/v2/apps", body=health_app(app_id, 3, fail_dir))
        assert answer.status == 201, answer
        assert answer.json()["id"] == app_id
        assert answer.header("Marathon-Deployment-Id")
        app = wait_healthy(via, app_id, 3)
        figure("apps: 3 instances running and healthy %.1f s after POST /v2/apps" % (time.monotonic() - started))
        for task in app["tasks"]:
            assert task["ports"] and 31000 <= task["ports"][0] <= 31200
            assert task["healthCheckResults"][0]["alive"] is True

        # A task killed (not scaled) is replaced.
        victim = app["tasks"][0]["id"]
        answer = via.call("DELETE", "/v2/apps//e2e/web/tasks/%s?scale=False" % victim)
        assert answer.status == 200 and answer.json()["task"]["id"] == victim, answer
        wait_healthy(via, app_id, 3, without=[victim])

        # Scale to 5 and back to 2.
        assert via.call("PUT", "/v2/apps/e2e/web", body={"instances": 5}).status == 200
        wait_healthy(via, app_id, 5)
        assert via.call("PUT", "/v2/apps/e2e/web", body={"instances": 2}).status == 200
        app = wait_healthy(via, app_id, 2)
        fw = framework_id(apps)
        wait_until(lambda: master_tasks(cluster, fw) == sorted(t["id"] for t in app["tasks"]), 30,
                   "the master to run exactly the app's 2 tasks")

        # A new command rolls out: never fewer than 2 healthy, followed in the events.
        new = dict(health_app(app_id, 2, fail_dir, version="2"))
        answer = via.call("PUT", "/v2/apps/e2e/web", body={"env": new["env"], "cmd": new["cmd"] + " # v2"})
        assert answer.status == 200, answer
        deployment = answer.json()["deploymentId"]
        lowest = 2
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            current = app_info(via, app_id)
            lowest = min(lowest, current["tasksHealthy"])
            if not current["deployments"] and current["env"]["VERSION"] == "2":
                break
            time.sleep(0.1)
        assert lowest >= 2, "healthy tasks fell to %d during the rolling change" % lowest
        app = wait_healthy(via, app_id, 2, version="2")
        events.wait_for(lambda e: e["eventType"] == "deployment_success" and e["id"] == deployment, 10,
                        "deployment_success of the rolling change")
        assert any(e["eventType"] == "deployment_info" and e["plan"]["id"] == deployment for e in events.events)
        statuses = {e["taskStatus"] for e in events.of_type("status_update_event") if e["appId"] == app_id}
        assert {"TASK_RUNNING", "TASK_KILLED"} <= statuses, statuses

        # A health check that starts failing gets its task killed and replaced.
        sick = app["tasks"][0]["id"]
        open(os.path.join(fail_dir, sick), "w").close()
        events.wait_for(lambda e: e["eventType"] == "unhealthy_instance_kill_event" and e["taskId"] == sick, 30,
                        "the unhealthy task to be killed")
        app = wait_healthy(via, app_id, 2, without=[sick])

        # Deleted: every task ends.
        running = [t["id"] for t in app["tasks"]]
        answer = via.call("DELETE", "/v2/apps/e2e/web")
        assert answer.status == 200, answer
        wait_until(lambda: via.call("GET", "/v2/apps/e2e/web").status == 404, 30, "the app to be gone")
        wait_until(lambda: not (set(master_tasks(cluster, fw)) & set(running)), 30, "its tasks to end")
        events.wait_for(lambda e: e["eventType"] == "app_terminated_event" and e["appId"] == app_id, 10,
                        "app_terminated_event")
    finally:
        events.close()


def test_leader_sigkill_standby_takes_over_without_restarting_tasks(apps, cluster, fail_dir):
    app_id = "/e2e/steady"
    assert apps.standby.call("POST", "/v2/apps", body=health_app(app_id, 2, fail_dir)).status == 201
    app = wait_healthy(apps.leader, app_id, 2)
    tasks = sorted(t["id"] for t in app["tasks"])
    fw = framework_id(apps)
    old, survivor = apps.leader, apps.standby
    old.daemon.signal(signal.SIGKILL)
    killed = time.monotonic()
    old.daemon.proc.wait(5)

    def answers():
        answer = survivor.call("GET", "/v2/apps/e2e/steady", timeout=5)
        return answer.status == 200 and answer.json()["app"]["tasksRunning"] == 2
    wait_until(answers, 60, "the standby to lead and answer")
    figure("apps: leader SIGKILLed, standby answered as leader after %.1f s" % (time.monotonic() - killed))
    app = wait_healthy(survivor, app_id, 2)
    assert sorted(t["id"] for t in app["tasks"]) == tasks, "tasks were restarted on failover"
    assert master_tasks(cluster, fw) == tasks
    assert survivor.call("GET", "/v2/info").json()["frameworkId"] == fw
    # Back to two instances, the app deleted for the suites after this one.
    apps.start_instance(old.port)
    wait_until(apps.one_leads, 60, "the restarted instance to stand by")
    assert survivor.call("DELETE", "/v2/apps/e2e/steady").status == 200
    wait_until(lambda: not master_tasks(cluster, fw), 30, "the app's tasks to end")


def test_a_command_health_check_run_by_the_agent(apps, cluster, fail_dir):
    """A COMMAND check runs on the agent beside the task (Mesos' health_check): healthy
    tasks count as such, and one whose check starts failing is killed and replaced."""
    app_id = "/e2e/checked"
    app = health_app(app_id, 2, fail_dir)
    app["healthChecks"] = [{
        "protocol": "COMMAND", "command": {"value": 'test ! -e "$FAIL_DIR/$MESOS_TASK_ID"'},
        "gracePeriodSeconds": 30, "intervalSeconds": 2, "timeoutSeconds": 1, "delaySeconds": 0,
        "maxConsecutiveFailures": 2,
    }]
    via = apps.standby
    assert via.call("POST", "/v2/apps", body=app).status == 201
    app = wait_healthy(via, app_id, 2)
    assert all(not t["healthCheckResults"] for t in app["tasks"]), "Apps itself probes no COMMAND check"
    sick = app["tasks"][0]["id"]
    open(os.path.join(fail_dir, sick), "w").close()
    wait_healthy(via, app_id, 2, without=[sick], timeout=60)
    fw = framework_id(apps)
    framework = next(f for f in cluster_state(cluster)["frameworks"] if f["id"] == fw)
    ended = [t for t in framework["completed_tasks"] if t["id"] == sick]
    assert ended and ended[0]["state"] == "TASK_KILLED", ended
    assert via.call("DELETE", "/v2/apps/e2e/checked").status == 200
    wait_until(lambda: via.call("GET", "/v2/apps/e2e/checked").status == 404, 30, "the app to be gone")


def test_an_app_of_its_groups_role(apps, cluster, fail_dir):
    """An app may run as its top-level group's role when Apps subscribes with it (--roles
    prod): the task runs on resources allocated to that role."""
    via = apps.standby
    answer = via.call("POST", "/v2/apps", body=dict(health_app("/dev/web", 1, fail_dir), role="prod"))
    assert answer.status == 422 and answer.json()["details"][0]["path"] == "/role", answer
    assert via.call("POST", "/v2/apps", body=dict(health_app("/prod/web", 1, fail_dir), role="prod")).status == 201
    app = wait_healthy(via, "/prod/web", 1, timeout=60)
    fw = framework_id(apps)
    framework = next(f for f in cluster_state(cluster)["frameworks"] if f["id"] == fw)
    assert "prod" in framework["roles"], framework["roles"]
    task = next(t for t in framework["tasks"] if t["id"] == app["tasks"][0]["id"])
    assert task["role"] == "prod", task
    assert via.call("DELETE", "/v2/apps/prod/web").status == 200
    wait_until(lambda: via.call("GET", "/v2/apps/prod/web").status == 404, 30, "the app to be gone")


def test_the_queue_shows_back_off_and_unused_offers(apps):
    """A task that keeps failing is replaced with Marathon's back-off, shown in /v2/queue
    with the app's lastTaskFailure; an app that fits no offer shows why (lastUnusedOffers)."""
    via = apps.standby
    crashing = {"id": "/e2e/crashing", "cmd": "exit 3", "cpus": 0.05, "mem": 16, "backoffSeconds": 30,
                "maxLaunchDelaySeconds": 60}
    assert via.call("POST", "/v2/apps", body=crashing).status == 201

    def delayed():
        queue = via.call("GET", "/v2/queue").json()["queue"]
        item = next((q for q in queue if q["app"]["id"] == "/e2e/crashing"), None)
        return item if item and not item["delay"]["overdue"] and item["delay"]["timeLeftSeconds"] > 0 else None
    item = wait_until(delayed, 30, "the crashing app to wait out its back-off in /v2/queue")
    assert item["count"] == 1 and item["delay"]["timeLeftSeconds"] <= 30, item
    failure = app_info(via, "/e2e/crashing")["lastTaskFailure"]
    assert failure["state"] == "TASK_FAILED" and "3" in failure["message"], failure
    assert via.call("DELETE", "/v2/queue/e2e/crashing/delay").status == 204

    nowhere = {"id": "/e2e/nowhere", "cmd": "sleep 600", "cpus": 0.05, "mem": 16,
               "constraints": [["hostname", "LIKE", "no-such-host"]]}
    assert via.call("POST", "/v2/apps", body=nowhere).status == 201

    # An offer for another role an app of this run asked for is left as UnfulfilledRole
    # (Marathon's reason too), and may come first: look for the constraint's among them.
    def unused():
        queue = via.call("GET", "/v2/queue?embed=lastUnusedOffers").json()["queue"]
        item = next((q for q in queue if q["app"]["id"] == "/e2e/nowhere"), None)
        offers = (item or {}).get("lastUnusedOffers") or []
        return item if any("UnfulfilledConstraint" in offer["reason"] for offer in offers) else None
    item = wait_until(unused, 30, "an offer the unplaceable app left for its constraint, in /v2/queue")
    summary = {s["reason"]: s for s in item["processedOffersSummary"]["rejectSummaryLastOffers"]}
    assert summary["UnfulfilledConstraint"]["declined"] >= 1, summary
    for app_id in ("e2e/crashing", "e2e/nowhere"):
        assert via.call("DELETE", "/v2/apps/%s" % app_id).status == 200


def test_delete_leader_hands_leadership_over(apps):
    """DELETE /v2/leader: the leader steps down and the other instance leads."""
    old = apps.leader
    answer = old.call("DELETE", "/v2/leader")
    assert answer.status == 200 and answer.json()["message"] == "Leadership abdicated", answer
    wait_until(lambda: apps.leader is not old and apps.one_leads(), 30, "the other instance to lead")
    assert apps.leader.call("GET", "/v2/info").json()["elected"] is True


def test_each_instance_serves_its_own_metrics(apps):
    """GET /metrics on both instances (never forwarded): the leader leads and counts the
    apps /v2/apps lists, the standby says it does not; requests are counted by endpoint."""
    from test_metrics import scrape, value
    leader, standby = apps.leader, apps.standby
    assert value(scrape(standby.port), "corral_apps_leader") == 0
    listed = leader.call("GET", "/v2/apps").json()["apps"]
    wanted = sum(app["instances"] for app in listed)
    samples = scrape(leader.port)
    assert value(samples, "corral_apps_leader") == 1
    assert value(samples, "corral_apps_apps") == len(listed)
    assert value(samples, "corral_apps_instances_wanted") == wanted
    route = dict(route="/v2/apps", method="GET", code="200")
    before = value(samples, "corral_http_requests_total", **route)
    assert before >= 1
    leader.call("GET", "/v2/apps")
    assert value(scrape(leader.port), "corral_http_requests_total", **route) == before + 1
    assert value(scrape(leader.port), "corral_apps_action_batches_queued") >= 0


def test_the_dashboards_apps_panels_answer_from_prometheus(apps, cluster, tmp_path):
    """The Grafana dashboard's Apps panels, run by Prometheus scraping both instances, show
    the leader's figures."""
    from test_metrics import dashboard_queries, prometheus_scraping
    with prometheus_scraping(cluster, {"apps": [i.address for i in apps.live()]}, tmp_path) as query:
        panels = [(title, expr) for title, expr in dashboard_queries() if title.startswith("Apps")]
        assert len(panels) >= 5
        for title, expr in panels:
            wait_until(lambda: query(expr), 20, "series for %r: %s" % (title, expr))
        wanted = query("max(corral_apps_instances_wanted * on (instance) corral_apps_leader)")
        listed = apps.leader.call("GET", "/v2/apps").json()["apps"]
        assert float(wanted[0]["value"][1]) == sum(app["instances"] for app in listed)


def test_the_ui_shows_scales_and_deletes_an_app(apps, cluster, browser):
    """The masters' web UI finds Apps by its registered URL: the app is listed with its
    counts, and the app page's Scale and Delete buttons (each confirmed) change it."""
    from browser import console_errors, open_page, screenshot, text_of, wait_for
    app_id = "/ui/sleeper"
    created = apps.leader.call("POST", "/v2/apps", {"id": app_id, "cmd": "sleep 600", "instances": 1,
                                                    "cpus": 0.1, "mem": 32})
    assert created.status == 201, created
    open_page(cluster, browser, "#/apps", lambda d: app_id in (text_of(d, "apps-table") or ""), "apps")
    open_page(cluster, browser, "#/apps/ui/sleeper", lambda d: text_of(d, "app-counts") == "1 / 0 / 0 / 0", "app")
    field = browser.find_element("id", "scale-instances")
    field.clear()
    field.send_keys("2")
    browser.find_element("id", "scale").click()
    alert = browser.switch_to.alert
    assert alert.text == "Scale %s to 2 instances?" % app_id, alert.text
    alert.accept()
    wait_for(browser, lambda d: text_of(d, "app-counts") == "2 / 0 / 0 / 0", "two instances running on the app page", timeout=60)
    assert app_info(apps.leader, app_id)["instances"] == 2
    screenshot(cluster, browser, "app-scaled")
    browser.find_element("id", "delete").click()
    browser.switch_to.alert.dismiss()  # "No": nothing happens
    assert apps.leader.call("GET", "/v2/apps" + app_id).status == 200
    browser.find_element("id", "delete").click()
    browser.switch_to.alert.accept()
    wait_for(browser, lambda d: d.current_url.endswith("#/apps"), "the page to go back to the apps list")
    wait_until(lambda: apps.leader.call("GET", "/v2/apps" + app_id).status == 404, 30, "the app to be gone")
    assert not console_errors(browser)
