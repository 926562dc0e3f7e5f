"""`corral up`, the README's first command: 3 Keeper servers from ensemble.conf, 2 masters,
2 agents and an Apps instance; it must come up, print the master, zk:// and Apps URLs, run a
task, answer `corral apps list`, and stop on SIGINT (Ctrl-C) with nothing left behind. It
takes the fixed ports of ensemble.conf (2181-2183, metrics on 7000-7002) and of `corral up`
(5050, 5051, 5151, 5152, 8080), so it starts only after the cluster fixture's own daemons are up, on their own ports."""
import os
import shutil
import signal
import subprocess
import tempfile
import time


from cluster import ROOT, figure, http_get, wait_until


def _processes_with(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_up_starts_runs_a_task_and_stops_cleanly(cluster):
    work = tempfile.mkdtemp(prefix="corral-up-test-")
    data = os.path.join(work, "data")
    shutil.copy(os.path.join(ROOT, "ensemble.conf"), work)
    out = open(os.path.join(work, "up.out"), "w+")
    started = time.monotonic()
    # `--data data`, relative, as the README's `corral up` (its default) has it.
    up = subprocess.Popen([cluster.binary, "up", "--data", "data"], cwd=work, stdout=out,
                          stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def printed(text):
            out.flush()
            with open(out.name) as f:
                return text in f.read()

        wait_until(lambda: up.poll() is None and printed("Press Ctrl-C"), 90, "corral up to say it is up")
        figure("corral up: up in %.1f s" % (time.monotonic() - started))
        with open(out.name) as f:
            summary = f.read()
        zk = next(line.split()[-1] for line in summary.splitlines() if line.strip().startswith("Masters:"))
        assert zk.startswith("zk://127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183/mesos"), summary
        run = subprocess.run([cluster.binary, "execute", "--master", zk, "--name", "up-hello",
                              "--command", "true", "--resources", "cpus:0.1;mem:32"],
                             capture_output=True, text=True, timeout=90)
        assert run.returncode == 0, run.stdout + run.stderr
        apps = next(line.split()[1] for line in summary.splitlines() if line.strip().startswith("Apps:"))
        assert apps == "http://127.0.0.1:8080", summary
        listed = subprocess.run([cluster.binary, "apps", "list", "--apps", apps], capture_output=True, text=True,
                                timeout=30)
        assert listed.returncode == 0 and listed.stdout.startswith("ID"), listed.stdout + listed.stderr
        scrapes = next(line.split()[1:4] for line in summary.splitlines() if line.strip().startswith("Metrics:"))
        assert scrapes == ["http://127.0.0.1:%d/metrics" % p for p in (7000, 7001, 7002)], summary
        for port in (7000, 7001, 7002, 5050, 8080):
            answer = http_get(port, "/metrics")
            assert answer.status == 200 and b"# TYPE" in answer.body, (port, answer)
        for log in ("keeper.log", "master-1.log", "master-2.log", "agent-1.log", "agent-2.log", "apps-1.log"):
            assert os.path.getsize(os.path.join(data, "logs", log)) > 0, log
        up.send_signal(signal.SIGINT)
        assert up.wait(timeout=40) == 0
        wait_until(lambda: not _processes_with(data), 10, "every process of corral up to be gone")
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
        for pid in _processes_with(data):
            os.kill(pid, signal.SIGKILL)
        for controller in ("memory", "cpu"):
            try:
                os.rmdir(os.path.join("/sys/fs/cgroup", controller, "corral-up"))
            except OSError:
                pass
        out.close()
        shutil.rmtree(work, ignore_errors=True)
