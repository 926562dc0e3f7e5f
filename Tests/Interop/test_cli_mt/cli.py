"""Drivers for the ZooKeeper C client's sample shell `cli_mt` (Debian package
zookeeper-bin). Everything cli_mt reports goes to stderr; both streams are merged.

- batch(cmd): `cli_mt HOST:PORT cmd:COMMAND`, one command, exits after its completion.
  (Not for exists/wexists/myid: cli_mt runs those synchronously and never exits.)
- Session: an interactive cli_mt fed line by line on stdin, whose output is read by a
  thread, with expect(regex) to wait (bounded) for the next matching line.

In an ensemble a Session gets the whole connect string (the C client picks a server at
random), but batch() always goes to the first server: each batch is a new process that
cannot sync before its one command, and only on one server is a batch's read sure to see
what the batches before it wrote. catch_up() syncs that server (or a Session's) before
it reads what another client wrote.
"""
import os
import re
import subprocess
import threading
import time

from interop import helpers

CLI_MT = os.environ.get("CLI_MT", "/usr/lib/zookeeper/bin/cli_mt")
BATCH_TIMEOUT = 20


def batch(cmd, timeout=BATCH_TIMEOUT):
    proc = subprocess.run(
        [CLI_MT, helpers.first_host(), "cmd:" + cmd],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
    )
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, "cli_mt exited %d for %r:\n%s" % (proc.returncode, cmd, out)
    return out


def rc_of(output, label):
    """The rc printed by a completion: '<label>: rc = N' or '[<label>]: rc = N'."""
    m = re.search(r"^\[?%s\]?: rc = (-?\d+)" % re.escape(label), output, re.M)
    assert m, "no rc for %r in:\n%s" % (label, output)
    return int(m.group(1))


def catch_up():
    """In an ensemble, bring batch()'s server up to date with the leader (a sync from a
    batch of its own), so that the next batches read what other clients wrote."""
    if helpers.is_ensemble():
        out = batch("sync /")
        assert rc_of(out, "/") == 0, out


def stat_of(output):
    """The Stat block cli_mt prints (zxids and versions are hex)."""
    fields = {}
    for key in ["czxid", "mzxid", "version", "aversion"]:
        m = re.search(r"\b%s=([0-9a-f]+)" % key, output)
        if m:
            fields[key] = int(m.group(1), 16)
    m = re.search(r"ephemeralOwner = ([0-9a-f]+)", output)
    if m:
        fields["ephemeralOwner"] = int(m.group(1), 16)
    return fields


def value_of(output):
    """The data printed by `get`: ' value_len = N' then exactly N bytes."""
    m = re.search(r"^ value_len = (\d+)\n", output, re.M)
    assert m, "no value in:\n%s" % output
    n = int(m.group(1))
    return output[m.end():m.end() + n]


def children_of(output, path):
    m = re.search(r"^%s: rc = 0\n((?:\t.*\n)*)" % re.escape(path), output, re.M)
    assert m, "no children listing for %s in:\n%s" % (path, output)
    return sorted(line[1:] for line in m.group(1).splitlines())


class Session:
    def __init__(self, hosts=None):
        self.proc = subprocess.Popen(
            [CLI_MT, hosts or helpers.hosts()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            bufsize=0,
        )
        self.lines = []
        self.cursor = 0
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        m = self.expect(r"^Got a new session id: 0x([0-9a-f]+)$")
        self.session_id = int(m.group(1), 16)

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # EOF
            self.cond.notify_all()

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def barrier(self):
        """Wait until every request sent so far has been answered: a sync is
        pipelined like any request and its completion prints on stderr. (cli_mt's
        `myid` prints on a buffered stdout, so it is useless as a marker.)"""
        self.send("sync /")
        self.expect(r"^\[/\]: rc = 0$")

    def catch_up(self):
        """In an ensemble, sync this session's server before it reads what other clients
        wrote (the barrier's sync does it); standalone, send nothing."""
        if helpers.is_ensemble():
            self.barrier()

    def expect(self, pattern, timeout=15.0):
        """Wait for the next line (after the last match) matching pattern."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                while self.cursor < len(self.lines):
                    line = self.lines[self.cursor]
                    self.cursor += 1
                    if line is None:
                        self.cursor -= 1
                        raise AssertionError("cli_mt exited while waiting for %r; output:\n%s"
                                             % (pattern, self.text()))
                    m = regex.search(line)
                    if m:
                        return m
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("timed out waiting for %r; output:\n%s" % (pattern, self.text()))
                self.cond.wait(remaining)

    def seen(self, pattern):
        regex = re.compile(pattern)
        with self.cond:
            return [line for line in self.lines if line is not None and regex.search(line)]

    def text(self):
        return "\n".join(line for line in self.lines if line is not None)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except (BrokenPipeError, OSError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        self.proc.stdout.close()
        try:
            self.proc.stdin.close()
        except OSError:
            pass
