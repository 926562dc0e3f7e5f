"""Runs after the other suites and before the leader change (file order): an agent is
told to leave with SIGUSR1 (Mesos' signal for it) while a task runs on it. It kills its
containers, removes its checkpoint and unregisters, so
the master removes it at once, as Mesos' master removes an agent that unregisters: the
framework hears the task end, operator subscribers hear AGENT_REMOVED, and the agent
started again on its work dir registers as a new agent."""
import http.client
import json
import signal
import threading
import time

from cluster import figure, http_get, wait_until
from schedulers import Framework, command_task, new_id


class OperatorEvents:
    """The operator API's SUBSCRIBE stream, read on a thread: the events' JSON, in order."""

    def __init__(self, port):
        self.events = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("POST", "/api/v1", body=json.dumps({"type": "SUBSCRIBE"}),
                          headers={"Content-Type": "application/json", "Accept": "application/json"})
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
                    length, _, rest = buffer.partition(b"\n")
                    if len(rest) < int(length):
                        break
                    self.events.append(json.loads(rest[:int(length)]))
                    buffer = rest[int(length):]
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            # AttributeError: close() on the main thread took the socket away mid-read.
            return

    def types(self):
        return [e["type"] for e in list(self.events)]

    def close(self):
        self.conn.close()


def test_an_agent_told_to_leave_with_sigusr1_is_removed(cluster):
    leader = cluster.leader
    events = OperatorEvents(leader.port)
    fw = Framework(leader.address, new_id("e2e-leaving-agent"))
    tid = new_id("on-leaving-agent")
    fw.launcher.add(command_task(tid, "sleep 600", mem=32))
    fw.start()
    try:
        fw.wait_state(tid, "TASK_RUNNING", 60)
        agent_id = fw.launcher.launched[tid][0]
        agent = cluster.agent_by_id(agent_id)

        stopped_at = time.monotonic()
        agent.daemon.signal(signal.SIGUSR1)
        agent.daemon.proc.wait(timeout=20)

        def removed():
            slaves = http_get(leader.port, "/master/slaves", timeout=3).json()["slaves"]
            return all(s["id"] != agent_id for s in slaves)
        wait_until(removed, 10, "the master to remove the agent")
        figure("agent sent SIGUSR1 with a task running: removed by the master %.2f s later"
               % (time.monotonic() - stopped_at))
        last = fw.wait_state(tid, {"TASK_KILLED", "TASK_FAILED", "TASK_LOST"}, 10)
        wait_until(lambda: "AGENT_REMOVED" in events.types(), 10, "AGENT_REMOVED on the operator stream")
        removed_events = [e for e in events.events if e["type"] == "AGENT_REMOVED"]
        assert removed_events[-1]["agent_removed"]["agent_id"]["value"] == agent_id, removed_events
        assert last["state"] in ("TASK_KILLED", "TASK_LOST"), last
    finally:
        fw.stop()
        events.close()

    agent.daemon.start()

    def registered_anew():
        slaves = http_get(leader.port, "/master/slaves", timeout=3).json()["slaves"]
        return [s["id"] for s in slaves if s["port"] == agent.port and s.get("active")]
    new_ids = wait_until(registered_anew, 60, "the agent, started again, to register")
    assert agent_id not in new_ids, new_ids
