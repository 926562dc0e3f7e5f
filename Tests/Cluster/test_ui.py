"""The web UI in headless Chromium (Debian's chromium and chromium-driver, selenium) against
the session's cluster: every page loads without a console error; the overview's counts
match /master/state; a task launched with `corral execute` appears on the tasks page
without a reload, and its stdout in the sandbox view; the znode browser shows the
masters' json.info_ znodes; a standby's UI sends the browser to the leader's. A screenshot
of each page goes to the cluster's log directory (ui-*.png)."""
import subprocess

from selenium.webdriver.common.by import By

from browser import console_errors, open_page, screenshot, text_of, wait_for
from cluster import figure, http_get
from schedulers import new_id


def test_every_page_loads_without_console_errors(cluster, browser):
    state = http_get(cluster.leader.port, "/master/state").json()
    agent = state["slaves"][0]["id"]
    pages = [
        ("#/", lambda d: text_of(d, "count-agents"), "overview"),
        ("#/agents", lambda d: "in all" in d.find_element(By.CSS_SELECTOR, ".tools").text, "agents"),
        ("#/agents/%s" % agent, lambda d: "Resources" in d.find_element(By.ID, "view").text, "agent"),
        ("#/frameworks", lambda d: text_of(d, "allocation-policy"), "frameworks"),
        ("#/tasks", lambda d: "in all" in d.find_element(By.ID, "tasks-table").text, "tasks"),
        ("#/keeper", lambda d: "mesos" in text_of(d, "znode-children"), "keeper"),
        ("#/apps", lambda d: text_of(d, "apps-none") or text_of(d, "apps-table"), "apps"),
    ]
    for hash_, ready, name in pages:
        open_page(cluster, browser, hash_, ready, name)
    assert text_of(browser, "allocation-policy") is None  # the last page replaced the frameworks page


def test_overview_counts_match_the_master(cluster, browser):
    open_page(cluster, browser, "#/", lambda d: text_of(d, "count-agents"), "overview-counts")
    state = http_get(cluster.leader.port, "/master/state").json()
    running = sum(1 for f in state["frameworks"] for t in f["tasks"] if t["state"] == "TASK_RUNNING")
    wait_for(browser, lambda d: text_of(d, "count-agents") == str(len(state["slaves"]))
             and text_of(d, "count-frameworks") == str(len(state["frameworks"]))
             and text_of(d, "count-tasks-running") == str(running), "the overview's counts")
    assert text_of(browser, "leading-master").endswith(":%d" % cluster.leader.port)
    rows = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#keeper-ensemble tbody tr"), "the ensemble table")
    assert len(rows) == 3
    modes = sorted(row.find_elements(By.TAG_NAME, "td")[1].text for row in rows)
    assert modes == ["follower", "follower", "leader"], modes
    assert not browser.find_elements(By.CSS_SELECTOR, "#keeper-ensemble tr.bad")


def test_a_task_appears_live_and_its_stdout_in_the_sandbox(cluster, browser):
    open_page(cluster, browser, "#/tasks", lambda d: "in all" in d.find_element(By.ID, "tasks-table").text, "tasks-before")
    browser.execute_script("window.__notReloaded = true")
    name = new_id("ui-live")
    run = subprocess.Popen([cluster.binary, "execute", "--master", cluster.zk_url, "--name", name,
                            "--command", "echo hello from the UI test; sleep 30",
                            "--resources", "cpus:0.1;mem:32"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        task_hash = wait_for(browser, lambda d: next((a.get_attribute("href").split("#", 1)[1] for a in
                                                       d.find_elements(By.CSS_SELECTOR, "#tasks-table a") if a.text == name), None),
                             "task %s on the tasks page" % name)
        assert browser.execute_script("return window.__notReloaded === true"), "the page was reloaded"
        screenshot(cluster, browser, "tasks-live")
        browser.execute_script("location.hash = arguments[0]", task_hash)
        wait_for(browser, lambda d: text_of(d, "task-state") == "TASK_RUNNING", "the task page to say TASK_RUNNING")
        wait_for(browser, lambda d: "hello from the UI test" in (text_of(d, "sandbox-stdout") or ""),
                 "the task's stdout in the sandbox view")
        files = browser.find_element(By.ID, "sandbox-files").text
        assert "stdout" in files and "stderr" in files, files
        screenshot(cluster, browser, "task-sandbox")
        assert not console_errors(browser)
        # Its framework's page lists it, with the framework's share and offers.
        framework = task_hash.split("/")[2]
        browser.execute_script("location.hash = arguments[0]", "#/frameworks/" + framework)
        wait_for(browser, lambda d: name in d.find_element(By.ID, "view").text
                 and "Dominant share" in d.find_element(By.ID, "view").text, "the framework's page to list the task")
        screenshot(cluster, browser, "framework")
        assert not console_errors(browser)
    finally:
        run.kill()
        run.wait(10)


def test_an_ended_tasks_sandbox(cluster, browser):
    """A task that finished, of a framework that is gone: its page still shows its stdout,
    from the agent's completed executors."""
    name = new_id("ui-ended")
    done = subprocess.run([cluster.binary, "execute", "--master", cluster.zk_url, "--name", name,
                           "--command", "echo output of an ended task", "--resources", "cpus:0.1;mem:32"],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    state = http_get(cluster.leader.port, "/master/state").json()
    framework = next(f["id"] for f in state["frameworks"] + state["completed_frameworks"]
                     for t in f["tasks"] + f["completed_tasks"] if t["id"] == name)
    open_page(cluster, browser, "#/tasks/%s/%s" % (framework, name),
              lambda d: text_of(d, "task-state") == "TASK_FINISHED", "ended-task")
    wait_for(browser, lambda d: "output of an ended task" in (text_of(d, "sandbox-stdout") or ""),
             "the ended task's stdout in the sandbox view")
    screenshot(cluster, browser, "ended-task-sandbox")
    assert not console_errors(browser)


def test_the_znode_browser_shows_the_masters_info(cluster, browser):
    open_page(cluster, browser, "#/keeper/mesos", lambda d: "json.info_" in (text_of(d, "znode-children") or ""), "keeper-mesos")
    info_hash = wait_for(browser, lambda d: next((a.get_attribute("href").split("#", 1)[1] for a in
                                                  d.find_elements(By.CSS_SELECTOR, "#znode-children a") if a.text.startswith("json.info_")), None),
                         "a json.info_ link")
    browser.execute_script("location.hash = arguments[0]", info_hash)
    wait_for(browser, lambda d: '"hostname"' in (text_of(d, "znode-data") or ""), "a master's info as JSON")
    assert "ephemeralOwner" in browser.find_element(By.ID, "znode").text
    # This cluster's masters authenticate nobody: the browser is read-only.
    assert not browser.find_elements(By.ID, "znode-save")
    screenshot(cluster, browser, "keeper-znode")
    assert not console_errors(browser)


def test_a_standby_sends_the_browser_to_the_leader(cluster, browser):
    browser.get("http://127.0.0.1:%d/#/agents" % cluster.standby.port)
    wait_for(browser, lambda d: ":%d/" % cluster.leader.port in d.current_url, "the leader's UI")
    assert browser.current_url.endswith("#/agents"), browser.current_url
    figure("UI: a standby's page went to the leader's at %s" % browser.current_url)
