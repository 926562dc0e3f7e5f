"""A custom executor (executor.py, pymesos's MesosExecutorDriver) launched by a pymesos
scheduler."""
import base64
import json
import os
import sys

from schedulers import Framework, TaskSpec, encode_data, new_id, scalar

HERE = os.path.dirname(os.path.abspath(__file__))


def test_custom_executor(cluster):
    fw = Framework(cluster.leader.address, new_id("e2e-executor"))
    tid = new_id("custom")
    executor_id = new_id("echo-executor")
    payload = "hello from %s" % tid
    fw.launcher.add(TaskSpec(
        tid, cpus=0.1, mem=32, name=tid,
        executor={
            "executor_id": {"value": executor_id},
            "name": "echo executor",
            "command": {"value": "%s %s" % (sys.executable, os.path.join(HERE, "executor.py")),
                        "shell": True},
            "resources": [scalar("cpus", 0.1), scalar("mem", 64)],
        },
        data=encode_data(payload.encode())))
    fw.start()
    try:
        last = fw.wait_state(tid, ["TASK_FINISHED", "TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_KILLED"], 60)
        print("states:", fw.states(tid), "last:", {k: v for k, v in last.items() if k != "data"})
        assert last["state"] == "TASK_FINISHED", last
        assert fw.states(tid)[-2:] == ["TASK_RUNNING", "TASK_FINISHED"], fw.states(tid)
        assert last.get("message") == payload, last
        report = json.loads(base64.b64decode(last["data"]))
        print("executor saw:", report)
        assert report["data"] == payload
        env = report["env"]
        assert env["MESOS_FRAMEWORK_ID"] == fw.id
        assert env["MESOS_EXECUTOR_ID"] == executor_id
        assert env["MESOS_SANDBOX"] and os.path.isabs(env["MESOS_SANDBOX"]), env
        assert last.get("executor_id", {}).get("value") in (None, executor_id), last
    finally:
        fw.stop()
