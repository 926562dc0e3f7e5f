#!/usr/bin/env python3
"""Apps benchmark: on a local cluster of this binary (3 Keeper servers, 2 masters, 2
agents, 2 Apps instances on 127.0.0.1), time

  1. POST /v2/apps with N instances (an HTTP server each, HTTP health check every 2 s)
     until N tasks run and pass their health check;
  2. a rolling restart of that app (upgradeStrategy 1/1: N new tasks beside the old, each
     old one killed once a new one is healthy) until the deployment ends;
  3. --rounds times, SIGKILL of the Apps leader until the standby answers GET /v2/apps
     as leader (the killed instance starts again as a standby between rounds).

    Benchmarks/apps.py [--corral .build/release/corral] [--instances 100] [--rounds 3] [--json]

Standard library only; progress goes to stderr, the figures to stdout."""
import argparse
import json
import os
import signal
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Cluster"))

from apps import Apps, app_info, health_app  # noqa: E402
from cluster import Cluster, wait_until  # noqa: E402

AGENTS = (
    "cpus:2;mem:8192;disk:1000;ports:[31000-31499]",
    "cpus:2;mem:8192;disk:1000;ports:[31500-31999]",
)


def say(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def until_settled(via, app_id, count, version, timeout):
    def settled():
        app = app_info(via, app_id)
        return (app["tasksHealthy"] == count and app["tasksRunning"] == count and not app["deployments"]
                and app["env"]["VERSION"] == version)
    wait_until(settled, timeout, "%d healthy tasks of version %s" % (count, version), interval=0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corral", default=os.path.join(ROOT, ".build", "release", "corral"))
    parser.add_argument("--instances", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="corral-bench-apps-")
    cluster = Cluster(os.path.abspath(args.corral), workdir, agent_resources=AGENTS)
    apps = None
    report = {"instances": args.instances}
    try:
        say("starting 3 keepers, 2 masters, 2 agents, 2 Apps instances (logs in %s)" % workdir)
        cluster.start()
        apps = Apps(cluster, failover_timeout=600).start()
        via = apps.standby
        app = health_app("/bench/web", args.instances, workdir, cpus=0.01, mem=16)

        say("POST /v2/apps with %d instances" % args.instances)
        started = time.monotonic()
        answer = via.call("POST", "/v2/apps", body=app)
        assert answer.status == 201, answer
        until_settled(via, "/bench/web", args.instances, "1", 300)
        report["start_seconds"] = round(time.monotonic() - started, 2)
        say("  %d running and healthy after %.2f s" % (args.instances, report["start_seconds"]))

        say("rolling restart")
        started = time.monotonic()
        answer = via.call("PUT", "/v2/apps/bench/web", body={"env": dict(app["env"], VERSION="2")})
        assert answer.status == 200, answer
        until_settled(via, "/bench/web", args.instances, "2", 300)
        report["restart_seconds"] = round(time.monotonic() - started, 2)
        say("  restarted after %.2f s" % report["restart_seconds"])

        failovers = []
        for n in range(args.rounds):
            old, survivor = apps.leader, apps.standby
            started = time.monotonic()
            old.daemon.signal(signal.SIGKILL)

            def answers():
                return survivor.call("GET", "/v2/apps", timeout=2).status == 200 and apps.leader is survivor
            wait_until(answers, 60, "the standby to lead", interval=0.01)
            failovers.append(round(time.monotonic() - started, 3))
            say("  failover %d: the standby answered as leader %.3f s after the SIGKILL" % (n + 1, failovers[-1]))
            old.daemon.proc.wait(5)
            apps.instances.remove(old)
            apps.start_instance(old.port)
            wait_until(apps.one_leads, 60, "the restarted instance to stand by")
        report["failover_seconds"] = failovers
        until_settled(apps.leader, "/bench/web", args.instances, "2", 60)
        report["tasks_kept"] = len(app_info(apps.leader, "/bench/web")["tasks"])
        apps.leader.call("DELETE", "/v2/apps/bench/web")
        wait_until(lambda: apps.leader.call("GET", "/v2/apps/bench/web").status == 404, 60, "the app deleted")
    finally:
        if apps is not None:
            apps.stop()
        cluster.stop()

    if args.json:
        print(json.dumps(report))
    else:
        failovers = sorted(report["failover_seconds"])
        print("apps: %d instances running and healthy %.2f s after POST /v2/apps; rolling restart %.2f s; "
              "leader SIGKILL to the standby's first answer as leader: median %.3f s (%s); %d tasks after"
              % (args.instances, report["start_seconds"], report["restart_seconds"],
                 failovers[len(failovers) // 2], ", ".join("%.3f" % f for f in report["failover_seconds"]),
                 report["tasks_kept"]))


if __name__ == "__main__":
    main()
