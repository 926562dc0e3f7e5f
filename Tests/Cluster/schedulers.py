"""pymesos 0.3.15 schedulers for the end-to-end suite, unmodified on the wire.

`Framework` runs one `MesosSchedulerDriver` (a subclass that only records what it
does: every call it sends and its answer, every acknowledgement) with a
`RecordingScheduler`, whose offers go to a handler: `Launcher` fits queued tasks into
offers and declines the rest.

    with Framework(master, "name") as fw:
        fw.launcher.add(command_task("t1", "echo hi"))
        fw.wait_terminal(["t1"], timeout=60)
        fw.states("t1")  -> ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]

pymesos reports a failure of its IO thread by interrupting the main thread (it
installs a SIGINT handler at import). Here such failures are kept in
DRIVER_FAILURES instead and every wait fails fast with them."""
import getpass
import signal
import socket
import sys
import threading
import time
import traceback
import uuid

from addict import Dict
import pymesos.process
from pymesos import MesosSchedulerDriver, Scheduler, encode_data, decode_data  # noqa: F401

DRIVER_FAILURES = []


class _InterruptShim:
    """Stands in for pymesos.process's `thread` module: keeps the IO thread's failure
    instead of raising it in whatever the main thread happens to run."""

    @staticmethod
    def interrupt_main():
        DRIVER_FAILURES.append("".join(traceback.format_exception(*sys.exc_info())))
        pymesos.process._exc_info = None


pymesos.process.thread = _InterruptShim
if pymesos.process._prev_handler is not None:
    signal.signal(signal.SIGINT, pymesos.process._prev_handler)

TERMINAL = {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR",
            "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"}


def scalar(name, value):
    return {"name": name, "type": "SCALAR", "scalar": {"value": value}}


def ranges(name, pairs):
    return {"name": name, "type": "RANGES",
            "ranges": {"range": [{"begin": b, "end": e} for b, e in pairs]}}


def offer_scalar(offer, name):
    return sum(r["scalar"]["value"] for r in offer.get("resources", [])
               if r["name"] == name and r.get("type") == "SCALAR")


def offer_ranges(offer, name):
    out = []
    for r in offer.get("resources", []):
        if r["name"] == name and r.get("type") == "RANGES":
            out.extend((x["begin"], x["end"]) for x in r["ranges"]["range"])
    return sorted(out)


class TaskSpec:
    """A task waiting for an offer: its TaskInfo minus agent_id and resources, which
    Launcher fills in from the offer it lands in."""

    def __init__(self, task_id, cpus=0.1, mem=32, ports=0, **info):
        self.task_id = task_id
        self.cpus = cpus
        self.mem = mem
        self.ports = ports
        self.info = info  # name, command / executor, data, ...
        self.assigned_ports = []


def command_task(task_id, command, cpus=0.1, mem=32, ports=0, **extra):
    return TaskSpec(task_id, cpus, mem, ports, name=task_id,
                    command={"value": command, "shell": True}, **extra)


def sleeper_task(task_id, pid_file, mem=32):
    """A task that writes its pid to pid_file and sleeps for 10 minutes, so a test can
    check its process by pid."""
    return command_task(task_id, "echo $$ > %s; exec sleep 600" % pid_file, mem=mem)


class Launcher:
    """Offer handler: packs queued TaskSpecs into offers (first fit), declines what is
    left of every offer with a short filter."""

    def __init__(self, refuse_seconds=1.0):
        self.pending = []
        self.launched = {}  # task id -> (agent id, TaskSpec)
        self.refuse_seconds = refuse_seconds
        self.lock = threading.Lock()

    def add(self, *specs):
        with self.lock:
            self.pending.extend(specs)

    def __call__(self, driver, offers):
        for offer in offers:
            cpus = offer_scalar(offer, "cpus")
            mem = offer_scalar(offer, "mem")
            free_ports = [p for b, e in offer_ranges(offer, "ports") for p in range(b, e + 1)]
            tasks = []
            with self.lock:
                for spec in list(self.pending):
                    if spec.cpus > cpus + 1e-9 or spec.mem > mem or spec.ports > len(free_ports):
                        continue
                    cpus -= spec.cpus
                    mem -= spec.mem
                    spec.assigned_ports, free_ports = free_ports[:spec.ports], free_ports[spec.ports:]
                    info = Dict(spec.info)
                    info.task_id = {"value": spec.task_id}
                    info.agent_id = {"value": offer["agent_id"]["value"]}
                    info.resources = [scalar("cpus", spec.cpus), scalar("mem", spec.mem)]
                    if spec.assigned_ports:
                        info.resources.append(ranges("ports", contiguous(spec.assigned_ports)))
                    tasks.append(info.to_dict())
                    self.pending.remove(spec)
                    self.launched[spec.task_id] = (offer["agent_id"]["value"], spec)
            filters = {"refuse_seconds": self.refuse_seconds}
            if tasks:
                driver.launchTasks(offer["id"], tasks, filters)
            else:
                driver.declineOffer(offer["id"], filters)


def contiguous(ports):
    out = []
    for p in ports:
        if out and out[-1][1] == p - 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


class RecordingScheduler(Scheduler):
    def __init__(self, offer_handler):
        self.offer_handler = offer_handler
        self.cond = threading.Condition()
        self.framework_id = None
        self.registrations = 0
        self.updates = []       # every status update, in arrival order
        self.offers_seen = 0
        self.errors = []        # ERROR events
        self.callback_failures = []
        self.disconnects = 0

    def _guard(self, fn, *args):
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - an exception would kill pymesos's IO thread
            with self.cond:
                self.callback_failures.append(traceback.format_exc())
                self.cond.notify_all()

    def registered(self, driver, framework_id, master_info):
        with self.cond:
            self.framework_id = framework_id["value"]
            self.registrations += 1
            self.cond.notify_all()

    def reregistered(self, driver, master_info):
        with self.cond:
            self.registrations += 1
            self.cond.notify_all()

    def disconnected(self, driver):
        with self.cond:
            self.disconnects += 1
            self.cond.notify_all()

    def resourceOffers(self, driver, offers):
        with self.cond:
            self.offers_seen += len(offers)
            self.cond.notify_all()
        self._guard(self.offer_handler, driver, offers)

    def statusUpdate(self, driver, status):
        with self.cond:
            self.updates.append(dict(status))
            self.cond.notify_all()

    def error(self, driver, message):
        with self.cond:
            self.errors.append(message)
            self.cond.notify_all()


class RecordingDriver(MesosSchedulerDriver):
    """MesosSchedulerDriver that records its calls; the protocol is pymesos's own."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.calls = []  # (type, "ok" | error text)
        self.acks = []   # (task id, uuid) acknowledged with a 2xx answer

    def _send(self, body, *args, **kw):
        kind = body.get("type") if isinstance(body, dict) else None
        try:
            result = super()._send(body, *args, **kw)
        except Exception as e:
            self.calls.append((kind, "error: %s" % e))
            raise
        self.calls.append((kind, "ok"))
        if kind == "ACKNOWLEDGE":
            a = body["acknowledge"]
            self.acks.append((a["task_id"]["value"], a["uuid"]))
        return result


class Framework:
    def __init__(self, master, name, offer_handler=None, roles=None, failover_timeout=0.0,
                 partition_aware=False, checkpoint=False, principal=None, secret=None, info_principal=None):
        """`principal` and `secret` go to pymesos (HTTP Basic on every call); FrameworkInfo
        names `info_principal`, by default the same principal."""
        self.launcher = offer_handler if offer_handler is not None else Launcher()
        self.scheduler = RecordingScheduler(self.launcher)
        info = Dict()
        info.user = getpass.getuser()
        info.name = name
        info.hostname = socket.gethostname()
        info.failover_timeout = failover_timeout
        if checkpoint:
            info.checkpoint = True
        capabilities = []
        if roles:
            info.roles = list(roles)
            capabilities.append({"type": "MULTI_ROLE"})
        if partition_aware:
            capabilities.append({"type": "PARTITION_AWARE"})
        if capabilities:
            info.capabilities = capabilities
        if info_principal or principal:
            info.principal = info_principal or principal
        self.info = info
        self.driver = RecordingDriver(self.scheduler, info, master, use_addict=True, principal=principal,
                                      secret=secret)
        self.started = False

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=30):
        self.driver.start()
        self.started = True
        self.wait(lambda s: s.framework_id, timeout, "SUBSCRIBED")
        return self

    def stop(self, failover=False, timeout=15):
        if not self.started:
            return
        self.started = False
        self.driver.stop(failover=failover)
        thread = self.driver._io_thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise AssertionError("pymesos IO thread still running %ds after stop()" % timeout)

    @property
    def id(self):
        return self.scheduler.framework_id

    # -- waiting ---------------------------------------------------------------------

    def check(self):
        if DRIVER_FAILURES:
            raise AssertionError("pymesos driver died:\n" + DRIVER_FAILURES[-1])
        if self.scheduler.callback_failures:
            raise AssertionError("scheduler callback failed:\n" + self.scheduler.callback_failures[-1])

    def wait(self, predicate, timeout, what):
        """predicate(scheduler)'s first truthy value, checked on every event."""
        deadline = time.monotonic() + timeout
        s = self.scheduler
        with s.cond:
            while True:
                self.check()
                value = predicate(s)
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out after %.0fs waiting for %s; updates so far: %s; errors: %s"
                                         % (timeout, what, self.summary(), s.errors))
                s.cond.wait(min(left, 0.5))

    def updates_for(self, task_id):
        with self.scheduler.cond:
            return [u for u in self.scheduler.updates if u["task_id"]["value"] == task_id]

    def states(self, task_id):
        return [u["state"] for u in self.updates_for(task_id)]

    def last(self, task_id):
        u = self.updates_for(task_id)
        return u[-1] if u else None

    def wait_state(self, task_id, states, timeout):
        states = {states} if isinstance(states, str) else set(states)

        def reached(s):
            return any(u["task_id"]["value"] == task_id and u["state"] in states for u in s.updates)
        self.wait(reached, timeout, "task %s to reach %s" % (task_id, sorted(states)))
        return self.last(task_id)

    def wait_terminal(self, task_ids, timeout):
        ids = set(task_ids)

        def done(s):
            ended = {u["task_id"]["value"] for u in s.updates if u["state"] in TERMINAL}
            return ids <= ended
        self.wait(done, timeout, "%d tasks to end" % len(ids))

    def summary(self):
        out = {}
        for u in list(self.scheduler.updates):
            out.setdefault(u["task_id"]["value"], []).append(u["state"])
        if len(out) > 8:
            return "%d tasks, e.g. %s" % (len(out), dict(list(out.items())[:8]))
        return out


def new_id(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])
