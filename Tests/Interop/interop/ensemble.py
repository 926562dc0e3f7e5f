"""The ensemble the harness (Tests/Interop/run --ensemble N) starts: its members from the
`server.N` lines of the config, their state through `srvr`, waiting for a quorum, and
the mid-way restart of the leader.

Standard library only: the harness runs it with the system python3 as well as from the
suites (conftest.py calls the restart script the harness writes, which runs this file).

    python3 ensemble.py wait --config FILE [--timeout S]
    python3 ensemble.py restart-leader --config FILE --dir DIR [--timeout S]

`restart-leader` expects, for every member N, DIR/N/server.pid (the running server's pid)
and DIR/N/relaunch (a script that starts server N again on its data and writes its pid to
DIR/N/server.pid), which is what the harness writes."""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time

SERVING_MODES = ("leader", "follower")


class Member:
    def __init__(self, sid, host, client_port):
        self.sid = sid
        self.host = host
        self.client_port = client_port

    @property
    def address(self):
        return "%s:%d" % (self.host, self.client_port)

    def __repr__(self):
        return "server.%d (%s)" % (self.sid, self.address)


def members(config_path):
    """The `server.N=host:peer:election;[clientHost:]clientPort` lines of a zoo.cfg."""
    out = []
    with open(config_path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("server.") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            sid = int(key.split(".", 1)[1])
            quorum, _, client = value.partition(";")
            host = quorum.split(":", 1)[0]
            if not client:
                raise ValueError("%s: %s has no ;clientPort" % (config_path, key))
            client_host, _, client_port = client.rpartition(":")
            out.append(Member(sid, client_host or host, int(client_port)))
    return sorted(out, key=lambda m: m.sid)


def four_letter(host, port, word, timeout=2.0):
    """The server's whole answer to a four-letter word; None if it does not answer."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(word.encode())
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    except OSError:
        return None
    return b"".join(chunks).decode("utf-8", "replace")


def srvr(member, timeout=2.0):
    """{"mode": ..., "zxid": int} from `srvr`, or None while the member does not serve."""
    text = four_letter(member.host, member.client_port, "srvr", timeout)
    if not text:
        return None
    state = {}
    for line in text.splitlines():
        if line.startswith("Mode: "):
            state["mode"] = line.split(": ", 1)[1].strip()
        elif line.startswith("Zxid: "):
            state["zxid"] = int(line.split(": ", 1)[1], 16)
    if "mode" not in state or "zxid" not in state:
        return None
    return state


def states(group):
    return {m.sid: srvr(m) for m in group}


def quorum_formed(group, size):
    """Whether every member of group serves (leader or follower) with exactly one
    leader among them, and they are at least a majority of an ensemble of size."""
    current = states(group)
    serving = [s for s in current.values() if s and s["mode"] in SERVING_MODES]
    leaders = [sid for sid, s in current.items() if s and s["mode"] == "leader"]
    return len(serving) == len(group) and len(leaders) == 1 and len(group) > size // 2, current


def describe(current):
    parts = []
    for sid, state in sorted(current.items()):
        if state:
            parts.append("%d=%s 0x%x" % (sid, state["mode"], state["zxid"]))
        else:
            parts.append("%d=down" % sid)
    return ", ".join(parts)


def wait_quorum(group, size, timeout, what="a quorum"):
    deadline = time.monotonic() + timeout
    while True:
        ok, current = quorum_formed(group, size)
        if ok:
            return current
        if time.monotonic() >= deadline:
            raise SystemExit("ensemble: no %s within %.0fs: %s" % (what, timeout, describe(current)))
        time.sleep(0.1)


def leader_of(current):
    (sid,) = [sid for sid, s in current.items() if s and s["mode"] == "leader"]
    return sid


def read_pid(path):
    with open(path) as f:
        return int(f.read().strip())


def restart_leader(config_path, directory, timeout):
    """SIGKILL the leader, wait until the others have elected a new one, start the old
    leader again on its data, wait until it follows, and check that no server's zxid went
    back (nothing acknowledged was lost)."""
    group = members(config_path)
    size = len(group)
    before = wait_quorum(group, size, timeout)
    old = leader_of(before)
    pid = read_pid(os.path.join(directory, str(old), "server.pid"))
    member = {m.sid: m for m in group}[old]
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    deadline = killed_at + 15
    while four_letter(member.host, member.client_port, "ruok", timeout=0.5) is not None:
        if time.monotonic() >= deadline:
            raise SystemExit("ensemble: server.%d still answers 15 s after SIGKILL" % old)
        time.sleep(0.05)
    others = [m for m in group if m.sid != old]
    during = wait_quorum(others, size, timeout, what="new leader among %s" % others)
    new = leader_of(during)
    failover = time.monotonic() - killed_at
    subprocess.run([os.path.join(directory, str(old), "relaunch")], check=True, timeout=30)
    after = wait_quorum(group, size, timeout, what="quorum with server.%d back" % old)
    problems = []
    if after[old]["mode"] != "follower":
        problems.append("server.%d came back as %s, not as a follower" % (old, after[old]["mode"]))
    if leader_of(after) != new:
        problems.append("the leader changed again, from server.%d to server.%d" % (new, leader_of(after)))
    for sid, state in sorted(before.items()):
        if after[sid]["zxid"] < state["zxid"]:
            problems.append("server.%d: zxid went back from 0x%x to 0x%x" % (sid, state["zxid"], after[sid]["zxid"]))
    # Everything a quorum had applied before the kill is in the new leader's history.
    if after[new]["zxid"] < max(s["zxid"] for s in before.values()):
        problems.append("the new leader's zxid 0x%x is below 0x%x, the highest before the kill"
                        % (after[new]["zxid"], max(s["zxid"] for s in before.values())))
    print("ensemble: SIGKILLed leader server.%d; server.%d led %.2fs later; server.%d rejoined. "
          "before: %s; after: %s" % (old, new, failover, old, describe(before), describe(after)))
    if problems:
        raise SystemExit("ensemble: " + "; ".join(problems))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    wait = sub.add_parser("wait", help="wait until every server serves, with one leader")
    wait.add_argument("--config", required=True)
    wait.add_argument("--timeout", type=float, default=60)
    restart = sub.add_parser("restart-leader", help="SIGKILL the leader and start it again")
    restart.add_argument("--config", required=True)
    restart.add_argument("--dir", required=True)
    restart.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    if args.command == "wait":
        group = members(args.config)
        print("ensemble: " + describe(wait_quorum(group, len(group), args.timeout)))
    else:
        restart_leader(args.config, args.dir, args.timeout)


if __name__ == "__main__":
    main(sys.argv[1:])
