"""Apps instances (`corral apps`) beside the session's cluster, and what the Apps tests
share: requests with JSON, the event stream read on a thread, waits on an app's counts.
Standard library only."""
import http.client
import json
import os
import threading

from cluster import Daemon, free_ports, request, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
HEALTH_SERVER = os.path.join(HERE, "healthserver.py")


class AppsInstance:
    def __init__(self, daemon, port):
        self.daemon = daemon
        self.port = port

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def call(self, method, path, body=None, timeout=30.0, headers=None):
        return request(method, self.port, path, body=body, timeout=timeout, headers=headers)

    def __repr__(self):
        return "<apps :%d>" % self.port


class Apps:
    """`count` Apps instances on one Keeper path, framework of the cluster's masters."""

    def __init__(self, cluster, count=2, failover_timeout=60):
        self.cluster = cluster
        self.count = count
        self.failover_timeout = failover_timeout
        self.instances = []
        self.zk_url = "zk://%s/corral-apps-%s" % (cluster.zk_hosts, cluster.run_id)

    def start_instance(self, port):
        n = len(self.instances) + 1
        d = Daemon("apps%d" % n,
                   [self.cluster.binary, "apps", "--zk", self.zk_url, "--master", self.cluster.zk_url,
                    "--port", str(port), "--failover-timeout", str(self.failover_timeout), "--roles", "prod"],
                   os.path.join(self.cluster.workdir, "apps%d-%d.log" % (n, port))).start()
        instance = AppsInstance(d, port)
        self.instances.append(instance)
        return instance

    def start(self):
        for port in free_ports(self.count):
            self.start_instance(port)
        wait_until(self.one_leads, 60, "one Apps instance to lead and be subscribed")
        return self

    def live(self):
        return [i for i in self.instances if i.daemon.alive()]

    def one_leads(self):
        infos = []
        for i in self.live():
            answer = i.call("GET", "/v2/info", timeout=5)
            if answer.status != 200:
                return False
            infos.append(answer.json())
        leaders = {info["leader"] for info in infos}
        return len(leaders) == 1 and None not in leaders and any(info["frameworkId"] for info in infos)

    @property
    def leader(self):
        address = self.live()[0].call("GET", "/v2/leader", timeout=5).json()["leader"]
        return next(i for i in self.live() if i.address == address)

    @property
    def standby(self):
        lead = self.leader
        return next(i for i in self.live() if i is not lead)

    def stop(self):
        for i in self.instances:
            i.daemon.signal(15)
        for i in self.instances:
            if i.daemon.proc is not None:
                try:
                    i.daemon.proc.wait(10)
                except Exception:  # noqa: BLE001
                    i.daemon.signal(9)


def health_app(app_id, instances, fail_dir, version="1", **extra):
    """An app running healthserver.py with an HTTP health check every 2 s."""
    app = {
        "id": app_id,
        "cmd": "exec python3 %s" % HEALTH_SERVER,
        "instances": instances,
        "cpus": 0.1,
        "mem": 32,
        "env": {"FAIL_DIR": fail_dir, "VERSION": version},
        "healthChecks": [{
            "protocol": "HTTP", "path": "/health", "portIndex": 0, "gracePeriodSeconds": 30,
            "intervalSeconds": 2, "timeoutSeconds": 1, "maxConsecutiveFailures": 2,
        }],
        "backoffSeconds": 1,
    }
    app.update(extra)
    return app


def app_info(instance, app_id):
    answer = instance.call("GET", "/v2/apps/%s" % app_id.lstrip("/"))
    assert answer.status == 200, answer
    return answer.json()["app"]


def wait_healthy(instance, app_id, count, timeout=60, version=None, without=()):
    """Waits until `app_id` has exactly `count` tasks, all running and healthy, none of
    `without` among them, its env VERSION `version` (when given), and no deployment."""
    def settled():
        app = app_info(instance, app_id)
        if app["env"].get("VERSION") != (version or app["env"].get("VERSION")):
            return False
        if set(without) & {t["id"] for t in app["tasks"]}:
            return False
        ok = (app["tasksRunning"] == count and app["tasksHealthy"] == count and len(app["tasks"]) == count
              and not app["deployments"])
        return app if ok else False
    return wait_until(settled, timeout, "%s to run %d healthy tasks" % (app_id, count), interval=0.25)


def master_tasks(cluster, framework_id, state="TASK_RUNNING"):
    tasks = []
    for f in cluster_state(cluster)["frameworks"]:
        if f["id"] == framework_id:
            tasks += [t["id"] for t in f["tasks"] if t["state"] == state]
    return sorted(tasks)


def cluster_state(cluster):
    return request("GET", cluster.leader.port, "/master/state").json()


class EventReader:
    """Reads /v2/events on a thread: every event's JSON, in order, in `events`."""

    def __init__(self, instance, types=()):
        self.events = []
        self.lock = threading.Lock()
        query = "&".join("event_type=%s" % t for t in types)
        self.conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=120)
        self.conn.request("GET", "/v2/events" + ("?" + query if query else ""),
                          headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.status
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buffer = b""
        try:
            while True:
                chunk = self.response.read1(65536)
                if not chunk:
                    return
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.rstrip(b"\r").startswith(b"data:"):
                        with self.lock:
                            self.events.append(json.loads(line[5:].strip()))
        except (OSError, ValueError, AttributeError):
            # close() from the test ends the read (http.client drops its file then).
            return

    def of_type(self, event_type):
        with self.lock:
            return [e for e in self.events if e["eventType"] == event_type]

    def wait_for(self, predicate, timeout, what):
        def found():
            with self.lock:
                return next((e for e in self.events if predicate(e)), None)
        return wait_until(found, timeout, what, interval=0.1)

    def close(self):
        self.conn.close()
