"""Driver for the Java command line client zkCli.sh (Debian package zookeeper).

A JVM start costs about a second, so tests batch commands: script(cmds) feeds them on
stdin (zkCli's non-interactive shell runs them one after another on one session) and
puts the client-only command `printwatches` after each one; its fixed answer
"printwatches is on" splits the merged stdout/stderr into one output per command.
Watch notifications are printed by another thread at any point, so they are cut out
of the outputs and returned separately, in arrival order.

In an ensemble script() gets the whole connect string (the Java client picks a server at
random) and first syncs, unseen, so that its session reads what the sessions before it
wrote on other servers. one() runs a single command, which cannot be preceded by a sync,
so it always goes to the first server: only there does each one() see the earlier ones'
writes."""
import os
import re
import subprocess

from interop import helpers

ZKCLI = os.environ.get("ZKCLI", "/usr/share/zookeeper/bin/zkCli.sh")
MARKER = "printwatches is on"
EVENT = re.compile(r"^WatchedEvent state:(\w+) type:(\w+) path:(\S+)$")
TIMEOUT = 90


def _env():
    env = dict(os.environ)
    # A small, quick-starting client JVM.
    env.setdefault("CLIENT_JVMFLAGS", "-Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    return env


class Run:
    def __init__(self, commands, text, returncode):
        self.commands = commands
        self.raw = text
        self.returncode = returncode
        self.events = []
        lines = []
        for line in text.splitlines():
            if line.startswith("SLF4J:") or line == "WATCHER::" or not line.strip():
                continue
            m = EVENT.match(line)
            if m:
                state, kind, path = m.groups()
                if kind != "None":
                    self.events.append((kind, path))
                continue
            lines.append(line)
        segments = [[]]
        for line in lines:
            if line == MARKER:
                segments.append([])
            else:
                segments[-1].append(line)
        # segments[0] is the banner; then one per command; the last is what quit printed.
        assert len(segments) >= len(commands) + 2, (
            "zkCli ran fewer commands than given (%d markers for %d commands):\n%s"
            % (len(segments) - 1, len(commands), text))
        self.outputs = ["\n".join(seg) for seg in segments[1:len(commands) + 1]]

    def __getitem__(self, index):
        return self.outputs[index]

    def __iter__(self):
        return iter(self.outputs)


def script(commands, timeout=TIMEOUT):
    """Run commands in one zkCli session; return a Run with one output per command."""
    # The output before the first marker is the banner, which is dropped.
    lines = (["sync /"] if helpers.is_ensemble() else []) + [MARKER.split()[0]]
    for cmd in commands:
        assert "\n" not in cmd
        lines += [cmd, "printwatches"]
    lines.append("quit")
    proc = subprocess.run(
        [ZKCLI, "-server", helpers.hosts()],
        input=("\n".join(lines) + "\n").encode(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        env=_env(),
    )
    text = proc.stdout.decode("utf-8", "replace")
    return Run(commands, text, proc.returncode)


def one(*args, timeout=TIMEOUT):
    """`zkCli.sh -server HOSTS CMD ARGS...`: one command; returns (exit code, output)."""
    proc = subprocess.run(
        [ZKCLI, "-server", helpers.first_host()] + list(args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        env=_env(),
    )
    text = proc.stdout.decode("utf-8", "replace")
    kept = [line for line in text.splitlines()
            if line.strip() and not line.startswith("SLF4J:") and line != "WATCHER::"
            and not EVENT.match(line) and not line.startswith("Connecting to ")]
    return proc.returncode, "\n".join(kept)


def parse_stat(output):
    """The stat block zkCli prints: 'cZxid = 0x..', 'dataVersion = 1', ..."""
    stat = {}
    for line in output.splitlines():
        m = re.match(r"^(\w+) = (.*)$", line)
        if m:
            key, value = m.groups()
            if value.startswith("0x"):
                stat[key] = int(value, 16)
            elif re.fullmatch(r"-?\d+", value):
                stat[key] = int(value)
            else:
                stat[key] = value
    return stat
