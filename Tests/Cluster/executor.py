"""A custom executor on pymesos 0.3.15's MesosExecutorDriver, for test_executor.py.

For each task: TASK_RUNNING, then TASK_FINISHED whose `message` is the task's `data`
(decoded) and whose `data` is base64 of JSON {"data": ..., "env": {the MESOS_* variables
the executor saw}}. Once every launched task has finished it waits a moment for the
acknowledgements and stops its driver, so the executor exits 0 by itself. It prints what
it does to stdout (the sandbox's stdout file)."""
import base64
import json
import os
import sys
import threading
import time

from pymesos import Executor, MesosExecutorDriver, decode_data, encode_data

ENV_KEYS = ("MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID", "MESOS_SANDBOX", "MESOS_DIRECTORY",
            "MESOS_AGENT_ENDPOINT", "MESOS_AGENT_ID", "MESOS_SLAVE_ID")


def log(*args):
    print("[executor %s]" % time.strftime("%H:%M:%S"), *args, flush=True)


class EchoExecutor(Executor):
    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0

    def registered(self, driver, executor_info, framework_info, agent_info):
        log("registered: executor", executor_info.get("executor_id"), "framework",
            framework_info.get("id"), "agent", agent_info.get("id"))

    def launchTask(self, driver, task):
        with self.lock:
            self.running += 1
        threading.Thread(target=self.run, args=(driver, task), daemon=True).start()

    def run(self, driver, task):
        task_id = task["task_id"]
        log("launch", task_id["value"])
        driver.sendStatusUpdate({"task_id": task_id, "state": "TASK_RUNNING",
                                 "timestamp": time.time()})
        raw = decode_data(task["data"]) if task.get("data") else b""
        text = raw.decode("utf-8", "replace")
        report = {"data": text, "env": {k: os.environ.get(k) for k in ENV_KEYS}}
        log("finish", task_id["value"], json.dumps(report))
        driver.sendStatusUpdate({"task_id": task_id, "state": "TASK_FINISHED",
                                 "message": text,
                                 "data": encode_data(json.dumps(report).encode()),
                                 "timestamp": time.time()})
        with self.lock:
            self.running -= 1
            idle = self.running == 0
        if idle:
            time.sleep(2)
            with self.lock:
                if self.running == 0:
                    log("all tasks done; stopping")
                    driver.stop()

    def killTask(self, driver, task_id):
        log("kill", task_id)
        driver.sendStatusUpdate({"task_id": task_id, "state": "TASK_KILLED"})

    def shutdown(self, driver):
        log("shutdown")

    def error(self, driver, message):
        log("error", message)


def main():
    log("starting; python", sys.executable, "env",
        json.dumps({k: os.environ.get(k) for k in ENV_KEYS}))
    driver = MesosExecutorDriver(EchoExecutor(), use_addict=True)
    driver.run()
    log("driver ended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
