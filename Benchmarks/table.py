"""BENCHMARKS.md's table, from the JSON reports keeper-vs-zookeeper.sh collected, and the
machine and versions they came from.

    python3 table.py RESULTS REPS ELECTIONS DURATION WARMUP ZNODES TOPOLOGIES CELLS COMMAND_LINE
        CORRAL_BIN > table.md
    python3 table.py --write BENCHMARKS.md table.md     # the table between BENCHMARKS.md's markers

RESULTS holds, per server (keeper, zookeeper): start_R_S.json (`corral bench recovery
--znodes 0`), serve_T_S.json (`corral bench serve`), cell_T_R_OP_CxI_S.json (`corral bench
keeper`, round R, 0 the warm-up), election_T_S.json (`corral bench election`) and
recovery_S.json. Every figure is a median over the rounds; the ratio is Keeper/ZooKeeper.
CORRAL_BIN is empty for the release build of this checkout.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys

SERVERS = ["keeper", "zookeeper"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(results, name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cell_rows(row, results, topology, cell, reps, whose):
    op, clients, inflight = cell.split(":")
    shape = f"{clients}x{inflight}"
    name = f"{op} 90/10" if op == "mixed" else op
    per = {s: [load(results, f"cell_{topology}_{r}_{op}_{shape}_{s}.json") for r in range(1, reps + 1)] for s in SERVERS}
    section = f"{topology}: {name}, {clients} client{'s' if clients != '1' else ''} x {inflight} in flight"
    row(section, "throughput (ops/s)", "higher", {s: median([d["throughput"] for d in per[s]]) for s in SERVERS}, "{:,.0f}")
    for q, label in (("p50", "p50"), ("p99", "p99"), ("p999", "p99.9")):
        if q == "p999" and shape == "1x1":
            continue
        row(section, f"{label} latency (ms)", "lower", {s: median([d["latency_ms"][q] for d in per[s]]) for s in SERVERS}, "{:.3f}")
    if shape != "1x1":
        row(section, f"{whose}server CPU s per 100k ops", "lower",
            {s: median([d["server"]["cpu_seconds_per_100k_ops"] for d in per[s] if d.get("server")]) for s in SERVERS}, "{:.2f}")


def server_rows(row, results, topology, cells, reps, whose, started):
    section = f"{topology}: {whose}server"
    # The server bench keeper watched: the standalone one, or the ensemble's leader.
    idle = {s: next(m["rss_kib"] for m in load(results, f"serve_{topology}_{s}.json")["members"]
                    if m["mode"] in ("leader", "standalone")) / 1024 for s in SERVERS}
    row(section, "RSS idle (MiB)", "lower", idle, "{:.1f}")
    loaded = [c.split(":") for c in cells if c.split(":")[1] != "1"]
    row(section, "RSS under load, max over the 8x16 cells (MiB)", "lower",
        {s: median([max(load(results, f"cell_{topology}_{r}_{op}_{c}x{i}_{s}.json").get("server", {}).get("rss_max_kib", 0)
                        for op, c, i in loaded) / 1024 for r in range(1, reps + 1)]) for s in SERVERS}, "{:.1f}")
    if topology == "standalone" and started:
        start_row(row, results, reps, section)


def start_row(row, results, reps, section):
    row(section, "start to serving, empty dataDir (ms)", "lower",
        {s: median([load(results, f"start_{r}_{s}.json")["first_start_seconds"] * 1000 for r in range(1, reps + 1)]) for s in SERVERS}, "{:.0f}")


def rows_of(results, reps, elections, znodes, topologies, cells):
    rows = []  # (section, label, better, keeper, zookeeper, fmt)

    def row(section, label, better, values, fmt):
        rows.append((section, label, better, values.get("keeper"), values.get("zookeeper"), fmt))

    started = os.path.exists(os.path.join(results, "start_1_keeper.json"))
    for topology in topologies:
        # In an ensemble the server figures are the leader's (bench keeper watches one pid).
        whose = "" if topology == "standalone" else "leader "
        topology_cells = [c for c in cells if topology == "standalone" or not c.endswith(":1:1")]
        for cell in topology_cells:
            cell_rows(row, results, topology, cell, reps, whose)
        server_rows(row, results, topology, topology_cells, reps, whose, started)
        if topology != "standalone":
            section = f"{topology}: leader SIGKILLed, idle (median of {elections})"
            per = {s: load(results, f"election_{topology}_{s}.json") for s in SERVERS}
            row(section, "election after leader kill: a survivor says it leads (ms)", "lower",
                {s: per[s]["leader_ms_median"] for s in SERVERS}, "{:.0f}")
            row(section, "election after leader kill: a write succeeds (ms)", "lower",
                {s: per[s]["write_ms_median"] for s in SERVERS}, "{:.0f}")
    if started and "standalone" not in topologies:
        start_row(row, results, reps, "standalone: server")
    if os.path.exists(os.path.join(results, "recovery_keeper.json")):
        rec = {s: load(results, f"recovery_{s}.json") for s in SERVERS}
        section = f"standalone: recovery, {znodes:,} znodes of 100 bytes"
        row(section, "load (creates/s, 8x64 pipelined)", "higher", {s: rec[s]["load_rate"] for s in SERVERS}, "{:,.0f}")
        row(section, "restart to serving (s, median of 3)", "lower", {s: rec[s]["restart_seconds_median"] for s in SERVERS}, "{:.2f}")
        row(section, "RSS when serving again (MiB)", "lower", {s: rec[s]["rss_restarted_kib"] / 1024 for s in SERVERS}, "{:.1f}")
        row(section, "data on disk (MiB)", "lower", {s: rec[s]["data_bytes"] / 1048576 for s in SERVERS}, "{:.1f}")
    return rows


def versions(results):
    """srvr's version of each server, from any `corral bench serve` report."""
    found = {}
    for name in sorted(os.listdir(results)):
        if name.startswith("serve_"):
            report = load(results, name)
            found[report["server"]] = report["version"]
    return {s: found.get(s, "unknown") for s in SERVERS}


def jvm_flags(results):
    """The flags `corral bench` gave ZooKeeper's JVM, from a report's command line: only these,
    with the JVM's default heap (a quarter of the memory) and GC, as Debian's zkServer.sh."""
    for name in sorted(os.listdir(results)):
        if name.endswith("_zookeeper.json") and "command" in load(results, name):
            command = load(results, name)["command"]
            return " ".join(command[1:command.index("-cp")])
    return "unknown"


def run(*command):
    """The first line a command prints (stdout or stderr), or "unknown"."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    except OSError:
        return "unknown"
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else "unknown"


def machine(results):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    disk = subprocess.run(["df", "-hT", results], capture_output=True, text=True).stdout.splitlines()[1].split()
    return (f"{len(os.sched_getaffinity(0))} cores ({cpu}), {memory / 1048576:.0f} GiB memory, "
            f"disk {disk[0]} ({disk[1]}, {disk[2]}), Linux {os.uname().release}")


def main(args):
    results, reps, elections, duration, warmup, znodes, topologies, cells, command_line, corral_bin = args
    reps, elections, znodes = int(reps), int(elections), int(znodes)
    topologies, cells = topologies.split(), cells.split()
    version = versions(results)
    if corral_bin:
        # Built from who knows which commit: this checkout's says nothing about it.
        corral = f"corral (srvr says {version['keeper']}), binary CORRAL_BIN={corral_bin}"
    else:
        corral = (f"corral {run('git', 'rev-parse', '--short', 'HEAD')} (srvr says {version['keeper']}), "
                  f"{run('swift', '--version')}, release build (scripts/build-release: static Swift runtime)")
    package = run("dpkg-query", "-W", "-f=${Version}", "zookeeper")
    print(f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d} by "
          f"`Benchmarks/keeper-vs-zookeeper.sh {command_line}`.")
    print()
    print(f"- Machine: {machine(results)}")
    print(f"- Keeper: {corral}")
    print(f"- ZooKeeper: {version['zookeeper'].split('-')[0]} (Debian package {package}), {run('java', '-version')}, "
          f"JVM flags: `{jvm_flags(results)}` (default heap and GC)")
    if topologies:
        print(f"- Medians of {reps} rounds of {duration} s a cell after a {warmup} s warm-up round; each cell ran on Keeper, then on ZooKeeper.")
    if "ensemble3" in topologies:
        print(f"- ensemble3: 3 servers of each on 127.0.0.1, clients spread over them; CPU and RSS are the leader's. "
              f"Leader kills: {elections} on each, on an ensemble of its own, with no load; times from the SIGKILL.")
    print("- Ratio = Keeper / ZooKeeper; the last column says which way is better.")
    section = None
    for sec, label, better, k, z, fmt in rows_of(results, reps, elections, znodes, topologies, cells):
        if sec != section:
            section = sec
            print(f"\n**{sec}**\n")
            print("| | Keeper | ZooKeeper | Keeper/ZooKeeper | better |")
            print("|---|---:|---:|---:|---|")
        ratio = f"{k / z:.2f}" if k is not None and z not in (None, 0) else "–"
        fk = fmt.format(k) if k is not None else "–"
        fz = fmt.format(z) if z is not None else "–"
        print(f"| {label} | {fk} | {fz} | {ratio} | {better} |")


def write(path, table_path):
    table = open(table_path).read().rstrip("\n")
    start, end = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
    text = open(path).read()
    if start not in text or end not in text:
        sys.exit(f"{path} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    open(path, "w").write(f"{head}{start}\n{table}\n{end}{tail}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write(*sys.argv[2:])
    else:
        main(sys.argv[1:])
