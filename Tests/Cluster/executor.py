"""A custom executor on pymesos 0.3.15's MesosExecutorDriver, for test_executor.py.

For each task: TASK_RUNNING, then TASK_FINISHED whose `message` is the task's `data`
(decoded) and whose `data` is base64 of JSON {"data": ..., "env": {the MESOS_* variables
the executor saw, "probes": what the agent answered calls made without the token and
for another executor, when the agent gave it a token}}. Once every launched task has
finished it waits a moment for the acknowledgements and stops its driver, so the executor
exits 0 by itself. It prints what it does to stdout (the sandbox's stdout file).

With MESOS_EXECUTOR_AUTHENTICATION_TOKEN in its environment (an agent started with
--authenticate-http-executors), every call carries `Authorization: Bearer TOKEN`, as
Mesos' own executor library sends it; pymesos 0.3.15 does not, so the driver's `_send` is
wrapped here."""
import base64
import http.client
import json
import os
import sys
import threading
import time

from pymesos import Executor, MesosExecutorDriver, decode_data, encode_data

ENV_KEYS = ("MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID", "MESOS_SANDBOX", "MESOS_DIRECTORY",
            "MESOS_AGENT_ENDPOINT", "MESOS_AGENT_ID", "MESOS_SLAVE_ID")
TOKEN = os.environ.get("MESOS_EXECUTOR_AUTHENTICATION_TOKEN")


def send_with_token(send):
    def wrapped(self, body, path="/api/v1/executor", method="POST", headers=None):
        headers = dict(headers or {})
        headers["Authorization"] = "Bearer " + TOKEN
        return send(self, body, path, method, headers)
    return wrapped


def subscribe_with_token(gen_request):
    def wrapped(self):
        head, _, rest = gen_request(self).partition(b"\r\n")
        return head + b"\r\nAuthorization: Bearer " + TOKEN.encode() + b"\r\n" + rest
    return wrapped


if TOKEN:
    MesosExecutorDriver._send = send_with_token(MesosExecutorDriver._send)
    MesosExecutorDriver.gen_request = subscribe_with_token(MesosExecutorDriver.gen_request)


def probe(executor_id, token):
    """The status the agent answers a MESSAGE call for `executor_id`, with `token` or none."""
    host, port = os.environ["MESOS_AGENT_ENDPOINT"].split(":")
    body = json.dumps({"type": "MESSAGE", "framework_id": {"value": os.environ["MESOS_FRAMEWORK_ID"]},
                       "executor_id": {"value": executor_id}, "message": {"data": ""}})
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("POST", "/api/v1/executor", body=body, headers=headers)
    return connection.getresponse().status


def probes():
    if not TOKEN:
        return {}
    own = os.environ["MESOS_EXECUTOR_ID"]
    return {"own": probe(own, TOKEN), "none": probe(own, None), "other": probe("someone-else", TOKEN),
            "forged": probe(own, TOKEN[:-4] + "AAAA")}


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
        report = {"data": text, "env": {k: os.environ.get(k) for k in ENV_KEYS}, "probes": probes()}
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
