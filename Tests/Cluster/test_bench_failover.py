"""`corral bench failover`: its own Keeper and two masters, simulated agents and a framework
that follow the leader; each round SIGKILLs the leading master. Checked: every task the
framework ran is still TASK_RUNNING after each failover, and every agent and the framework
came back to the new leader (the bench fails otherwise). The times are reported, not
asserted."""
import json
import subprocess

from conftest import corral_bin
from cluster import figure


def test_failover_keeps_every_task_and_brings_every_agent_back():
    run = subprocess.run([corral_bin(), "bench", "failover", "--agents", "3", "--rounds", "2", "--json"],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["agents"] == 3 and report["rounds"] == 2
    assert report["tasks_running"] == [3, 3], report
    assert all(seconds > 0 for seconds in report["first_offer_s"] + report["agents_back_s"]), report
    figure("bench failover, 3 agents, 2 kills: first offer %s s, every agent back %s s after the kill"
           % (report["first_offer_s"], report["agents_back_s"]))
