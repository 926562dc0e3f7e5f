"""`corral apps list|show|deploy|scale|restart|delete|tasks|events` against two Apps
instances: each change follows its deployment with a progress line and exits 0 when it
succeeds, 1 when a forced change overrides it, and bad input exits non-zero saying why."""
import json
import os
import subprocess
import time

import pytest

from apps import Apps, health_app

APP = "/cli/web"


@pytest.fixture(scope="module")
def apps(cluster):
    a = Apps(cluster).start()
    yield a
    a.stop()


def corral_apps(apps, *args, timeout=90):
    p = subprocess.run([apps.cluster.binary, "apps", *args, "--apps", "http://%s" % apps.standby.address],
                       capture_output=True, text=True, timeout=timeout)
    print("$ corral apps %s -> %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def test_the_command_line_deploys_scales_restarts_and_deletes(apps, tmp_path):
    definition = tmp_path / "web.json"
    definition.write_text(json.dumps(health_app(APP, 2, str(tmp_path))))
    p = corral_apps(apps, "deploy", str(definition))
    assert p.returncode == 0 and "done in" in p.stdout, p.stdout + p.stderr
    assert "Deploying %s" % APP in p.stdout

    p = corral_apps(apps, "list")
    assert p.returncode == 0
    row = next(line.split() for line in p.stdout.splitlines() if line.startswith(APP))
    assert row[1:4] == ["2", "2", "2"], p.stdout

    p = corral_apps(apps, "scale", APP, "3")
    assert p.returncode == 0 and "3/3 running" in p.stdout, p.stdout
    p = corral_apps(apps, "tasks", APP)
    assert p.returncode == 0 and p.stdout.count("TASK_RUNNING") == 3 and p.stdout.count("healthy") == 3

    p = corral_apps(apps, "restart", APP)
    assert p.returncode == 0 and "RestartApplication" in p.stdout, p.stdout
    shown = json.loads(corral_apps(apps, "show", APP).stdout)["app"]
    assert shown["tasksHealthy"] == 3 and shown["instances"] == 3

    p = corral_apps(apps, "delete", APP)
    assert p.returncode == 0, p.stdout + p.stderr
    assert corral_apps(apps, "show", APP).returncode != 0


def test_a_forced_change_fails_the_deployment_it_overrides(apps, tmp_path):
    slow = health_app("/cli/slow", 1, str(tmp_path))
    slow["healthChecks"][0]["path"] = "/never"  # never healthy... 404 is not 2xx-3xx
    slow["cmd"] = "exec python3 -m http.server $PORT0 --bind 127.0.0.1 --directory %s" % tmp_path
    definition = tmp_path / "slow.json"
    definition.write_text(json.dumps(slow))
    follower = subprocess.Popen([apps.cluster.binary, "apps", "deploy", str(definition), "--apps",
                                 "http://%s" % apps.standby.address],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(3)
    p = corral_apps(apps, "delete", "/cli/slow", "--force")
    assert p.returncode == 0, p.stdout
    output, _ = follower.communicate(timeout=30)
    print(output)
    assert follower.returncode == 1 and "failed" in output, output


def test_bad_input_exits_non_zero_and_says_why(apps, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "/cli/bad", "cmd": "sleep 1", "instances": -1}))
    p = corral_apps(apps, "deploy", str(bad))
    assert p.returncode != 0 and "/instances" in p.stderr, p.stderr
    p = corral_apps(apps, "deploy", os.path.join(str(tmp_path), "missing.json"))
    assert p.returncode != 0 and "Cannot read" in p.stderr
    p = subprocess.run([apps.cluster.binary, "apps", "list", "--apps", "http://127.0.0.1:1"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and "Is `corral apps` running there?" in p.stderr, p.stderr
