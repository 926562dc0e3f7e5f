"""Headless Chromium for the web UI's tests (Debian's chromium and chromium-driver,
driven by selenium): the driver, waits that ride out live redraws, console errors,
screenshots into the cluster's log directory."""
import os

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20


def new_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(WAIT)
    return driver


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def wait_for(driver, predicate, what, timeout=WAIT):
    try:
        # Live updates redraw tables under the test's feet: an element gone stale is "not yet".
        return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: predicate(d))
    except Exception as error:  # noqa: BLE001
        raise AssertionError("timed out after %ds waiting for %s; console: %s"
                             % (timeout, what, console_errors(driver))) from error


def text_of(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else None


def screenshot(cluster, driver, name):
    path = os.path.join(cluster.workdir, "ui-%s.png" % name)
    driver.save_screenshot(path)
    print("screenshot: %s" % path)


def open_page(cluster, driver, hash_, ready, name):
    """The leader's UI at `hash_`, once `ready(driver)`; a screenshot; no console error."""
    driver.get("http://127.0.0.1:%d/%s" % (cluster.leader.port, hash_))
    wait_for(driver, ready, "page %s to show" % hash_)
    screenshot(cluster, driver, name)
    errors = console_errors(driver)
    assert not errors, (hash_, errors)
