#!/usr/bin/env bash
# Keeper side by side with Apache ZooKeeper 3.8, on this machine, in one run.
#
#   Benchmarks/keeper-vs-zookeeper.sh [--duration S] [--warmup S] [--reps N]
#       [--znodes N] [--skip-recovery] [--port-range LO-HI] [--no-build] [--write] [--keep]
#
# Installs Debian's zookeeper package if it is missing, builds corral in release mode,
# starts Apache ZooKeeper and Keeper with the same settings (tickTime=2000, forceSync=yes,
# data in one temporary directory on one file system, 127.0.0.1 only, every four-letter
# word allowed) and runs the same matrix against each in alternation: one warm-up round
# (--warmup seconds a cell, thrown away), then --reps rounds of --duration seconds a
# cell, each cell on Keeper and then on ZooKeeper. Cells: create, set, get and mixed 90/10,
# at 1 client x 1 in flight (latency) and 8 clients x 16 in flight (throughput). It also
# measures RSS idle and under load, CPU seconds per 100,000 operations (the server's
# utime+stime over the timed window), the time from process start to serving (an empty
# dataDir), and `corral bench recovery` with --znodes znodes on each. It prints a table of
# medians with Keeper/ZooKeeper ratios and, with --write, puts it into BENCHMARKS.md
# between its markers. Every process it starts is stopped on exit, whatever happens.
#
# Run it alone on the machine (no build or test beside it): both servers and the load
# generator share the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

duration=10
warmup=5
reps=3
znodes=1000000
skip_recovery=0
port_range="${BENCH_PORT_RANGE:-}"
build=1
write=0
keep=0

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="${2:?}"; shift 2 ;;
        --warmup) warmup="${2:?}"; shift 2 ;;
        --reps) reps="${2:?}"; shift 2 ;;
        --znodes) znodes="${2:?}"; shift 2 ;;
        --skip-recovery) skip_recovery=1; shift ;;
        --port-range) port_range="${2:?}"; shift 2 ;;
        --no-build) build=0; shift ;;
        --write) write=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "keeper-vs-zookeeper: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
if (( reps < 1 )); then echo "keeper-vs-zookeeper: --reps must be at least 1" >&2; exit 2; fi

# ---------------------------------------------------------------------------------
# The settings both servers get. Topologies: standalone today; "ensemble3" rows come
# when Keeper replicates (start_topology knows where they go).
# ---------------------------------------------------------------------------------
tick_time=2000
max_client_cnxns=1000
topologies=(standalone)
servers=(keeper zookeeper)
cells=(create:1:1 set:1:1 get:1:1 mixed:1:1 create:8:16 set:8:16 get:8:16 mixed:8:16)
read_pct=90
size=100
working_set=1000
# ZooKeeper runs with the JVM's defaults, as Debian's zkServer.sh starts it (no -Xmx: the
# default heap is a quarter of the memory); these are the only flags it gets, here and in
# `corral bench recovery` (ServerProcess.commandLine).
zk_jvm_flags=(-Djava.net.preferIPv4Stack=true -Dzookeeper.admin.enableServer=false)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

tmp=""
pids=()

cleanup() {
    local rc=$?
    local pid
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    if [[ -n "$tmp" && -d "$tmp" ]]; then
        if [[ $keep -eq 1 || $rc -ne 0 ]]; then log "logs and results kept in $tmp"; else rm -rf "$tmp"; fi
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops a server this script started and forgets it, so that the exit trap never signals
# a pid the system may have handed to someone else since.
stop_pid() {
    local pid="$1" kept=() p
    for p in "${pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]}")
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

pick_port() {
    python3 - "$port_range" <<'PY'
import socket, sys
rng = sys.argv[1]
def free(p):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()
if rng:
    lo, hi = (int(x) for x in rng.split("-"))
    for p in range(lo, hi + 1):
        if free(p):
            print(p); sys.exit(0)
    sys.exit("no free port in %s" % rng)
print(free(0))
PY
}

four_letter() { # PORT WORD
    timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"' && printf %s '"$2"' >&3 && cat <&3' 2>/dev/null || true
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

write_config() { # FILE PORT DATADIR
    cat > "$1" <<EOF
tickTime=$tick_time
dataDir=$3
clientPort=$2
clientPortAddress=127.0.0.1
maxClientCnxns=$max_client_cnxns
4lw.commands.whitelist=*
forceSync=yes
EOF
}

zk_classpath() {
    local cp="/usr/share/java/zookeeper.jar"
    [[ -f /usr/share/java/slf4j-simple.jar ]] && cp="$cp:/usr/share/java/slf4j-simple.jar"
    echo "${ZK_CLASSPATH:-$cp}"
}

# start_topology KIND TOPOLOGY NAME: sets started_pid and started_port to the server the
# clients use (an ensemble would start three and set the one to watch). Not in a subshell:
# the pids must reach the exit trap.
started_pid=""
started_port=""
start_topology() {
    local kind="$1" topology="$2" name="$3"
    case "$topology" in
        standalone) start_standalone "$kind" "$name" ;;
        *) echo "keeper-vs-zookeeper: topology $topology is not built yet" >&2; return 1 ;;
    esac
}

start_standalone() { # KIND NAME
    local kind="$1" name="$2" port dir pid
    port="$(pick_port)"
    dir="$tmp/$name"
    mkdir -p "$dir/data"
    write_config "$dir/zoo.cfg" "$port" "$dir/data"
    case "$kind" in
        keeper) "$corral" keeper --config "$dir/zoo.cfg" > "$dir/server.log" 2>&1 < /dev/null & ;;
        zookeeper)
            java "${zk_jvm_flags[@]}" -cp "$(zk_classpath)" org.apache.zookeeper.server.ZooKeeperServerMain \
                "$dir/zoo.cfg" > "$dir/server.log" 2>&1 < /dev/null & ;;
    esac
    pid=$!
    pids+=("$pid")
    local deadline=$(( SECONDS + 120 ))
    until four_letter "$port" srvr | grep -q '^Mode: '; do
        if ! kill -0 "$pid" 2>/dev/null || (( SECONDS > deadline )); then
            echo "keeper-vs-zookeeper: $kind did not start; log tail:" >&2
            tail -n 30 "$dir/server.log" >&2
            return 1
        fi
        sleep 0.1
    done
    started_pid=$pid
    started_port=$port
}

# ---------------------------------------------------------------------------------
# 1. ZooKeeper from Debian, corral in release mode.
# ---------------------------------------------------------------------------------
if ! dpkg-query -W -f='${Status}' zookeeper 2>/dev/null | grep -q 'install ok installed'; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "keeper-vs-zookeeper: Debian's zookeeper package is missing: sudo apt-get install -y zookeeper" >&2
        exit 1
    fi
    log "installing Debian's zookeeper package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper
fi
if [[ $build -eq 1 ]]; then
    log "swift build -c release"
    (cd "$root" && swift build -c release --product corral 2>&1 | tail -n 3) >&2
fi
corral="$root/.build/release/corral"
[[ -x "$corral" ]] || { echo "keeper-vs-zookeeper: $corral not found" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/corral-vs-zookeeper.XXXXXX")"
results="$tmp/results"
mkdir -p "$results"
run_start=$SECONDS

# ---------------------------------------------------------------------------------
# 2. Time from process start to serving, on an empty dataDir, alternating.
# ---------------------------------------------------------------------------------
for rep in $(seq 1 "$reps"); do
    for kind in "${servers[@]}"; do
        log "start-to-serving $rep/$reps: $kind"
        "$corral" bench recovery --server "$kind" --znodes 0 --tmpdir "$tmp" --port "$(pick_port)" --json \
            > "$results/start_${rep}_${kind}.json"
    done
done

# ---------------------------------------------------------------------------------
# 3. The matrix: both servers up, each cell on one and then on the other.
# ---------------------------------------------------------------------------------
for topology in "${topologies[@]}"; do
    declare -A server_pid=() server_port=()
    for kind in "${servers[@]}"; do
        start_topology "$kind" "$topology" "$topology-$kind"
        server_pid[$kind]=$started_pid
        server_port[$kind]=$started_port
        log "$topology: $kind serves on 127.0.0.1:$started_port (pid $started_pid)"
    done
    sleep 3
    for kind in "${servers[@]}"; do
        echo "{\"rss_idle_kib\": $(rss_kib "${server_pid[$kind]}")}" > "$results/idle_${topology}_${kind}.json"
        four_letter "${server_port[$kind]}" srvr | sed -n 's/^Zookeeper version: \([^,]*\).*/\1/p' | head -n 1 \
            > "$results/version_${kind}.txt"
    done
    for rep in $(seq 0 "$reps"); do
        seconds=$duration
        [[ $rep -eq 0 ]] && seconds=$warmup
        for cell in "${cells[@]}"; do
            IFS=: read -r op clients inflight <<< "$cell"
            for kind in "${servers[@]}"; do
                log "$topology round $rep/$reps: $op ${clients}x$inflight on $kind (${seconds}s)"
                "$corral" bench keeper --servers "127.0.0.1:${server_port[$kind]}" --op "$op" \
                    --read-pct "$read_pct" --clients "$clients" --inflight "$inflight" --duration "$seconds" \
                    --size "$size" --working-set "$working_set" --server-pid "${server_pid[$kind]}" --json --quiet \
                    > "$results/cell_${topology}_${rep}_${op}_${clients}x${inflight}_${kind}.json"
            done
        done
    done
    for kind in "${servers[@]}"; do stop_pid "${server_pid[$kind]}"; done
    unset server_pid server_port
done

# ---------------------------------------------------------------------------------
# 4. Recovery: a server holding --znodes znodes of 100 bytes restarts (median of 3).
# ---------------------------------------------------------------------------------
if [[ $skip_recovery -eq 0 ]]; then
    for kind in "${servers[@]}"; do
        log "recovery: $kind with $znodes znodes"
        "$corral" bench recovery --server "$kind" --znodes "$znodes" --size "$size" --restarts 3 --tmpdir "$tmp" \
            --port "$(pick_port)" --json > "$results/recovery_${kind}.json"
    done
fi

# ---------------------------------------------------------------------------------
# 5. The table.
# ---------------------------------------------------------------------------------
disk="$(df -hT "$tmp" | awk 'NR==2 { print $1 " (" $2 ", " $3 ")" }')"
machine="$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo) memory, disk $disk, Linux $(uname -r)"
java_version="$(java -version 2>&1 | head -n 1)"
zookeeper_package="$(dpkg-query -W -f='${Version}' zookeeper 2>/dev/null || echo unknown)"
corral_version="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
swift_version="$(swift --version 2>&1 | head -n 1)"
table="$tmp/table.md"
python3 - "$results" "$reps" "$duration" "$warmup" "$znodes" "$skip_recovery" "${topologies[*]}" "${cells[*]}" \
    "$machine" "$java_version $zookeeper_package" "$corral_version" "$swift_version" "${zk_jvm_flags[*]}" "$(date -u +%Y-%m-%d)" \
    > "$table" <<'PY'
import json, os, statistics, sys

(results, reps, duration, warmup, znodes, skip_recovery, topologies, cells, machine, java_and_package,
 corral_version, swift_version, jvm_flags, day) = sys.argv[1:]
reps, znodes, skip_recovery = int(reps), int(znodes), int(skip_recovery)
servers = ["keeper", "zookeeper"]

def load(name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

rows = []  # (section, label, better, keeper, zookeeper, fmt)

def row(section, label, better, values, fmt):
    rows.append((section, label, better, values.get("keeper"), values.get("zookeeper"), fmt))

for topology in topologies.split():
    for cell in cells.split():
        op, clients, inflight = cell.split(":")
        shape = f"{clients}x{inflight}"
        name = f"{op} 90/10" if op == "mixed" else op
        per = {s: [load(f"cell_{topology}_{r}_{op}_{shape}_{s}.json") for r in range(1, reps + 1)] for s in servers}
        section = f"{topology}: {name}, {clients} client{'s' if clients != '1' else ''} x {inflight} in flight"
        row(section, "throughput (ops/s)", "higher", {s: median([d["throughput"] for d in per[s]]) for s in servers}, "{:,.0f}")
        for q, label in (("p50", "p50"), ("p99", "p99"), ("p999", "p99.9")):
            if q == "p999" and shape == "1x1":
                continue
            row(section, f"{label} latency (ms)", "lower", {s: median([d["latency_ms"][q] for d in per[s]]) for s in servers}, "{:.3f}")
        if shape != "1x1":
            row(section, "server CPU s per 100k ops", "lower",
                {s: median([d["server"]["cpu_seconds_per_100k_ops"] for d in per[s] if d.get("server")]) for s in servers}, "{:.2f}")
    section = f"{topology}: server"
    row(section, "RSS idle (MiB)", "lower", {s: load(f"idle_{topology}_{s}.json")["rss_idle_kib"] / 1024 for s in servers}, "{:.1f}")
    load_rss = {}
    for s in servers:
        per_rep = []
        for r in range(1, reps + 1):
            figures = [load(f"cell_{topology}_{r}_{c.split(':')[0]}_{c.split(':')[1]}x{c.split(':')[2]}_{s}.json").get("server", {}).get("rss_max_kib", 0)
                       for c in cells.split() if c.split(":")[1] != "1"]
            per_rep.append(max(figures) / 1024)
        load_rss[s] = median(per_rep)
    row(section, "RSS under load, max over the 8x16 cells (MiB)", "lower", load_rss, "{:.1f}")
    row(section, "start to serving, empty dataDir (ms)", "lower",
        {s: median([load(f"start_{r}_{s}.json")["first_start_seconds"] * 1000 for r in range(1, reps + 1)]) for s in servers}, "{:.0f}")
    if not skip_recovery:
        rec = {s: load(f"recovery_{s}.json") for s in servers}
        section = f"{topology}: recovery, {znodes:,} znodes of 100 bytes"
        row(section, "load (creates/s, 8x64 pipelined)", "higher", {s: rec[s]["load_rate"] for s in servers}, "{:,.0f}")
        row(section, "restart to serving (s, median of 3)", "lower", {s: rec[s]["restart_seconds_median"] for s in servers}, "{:.2f}")
        row(section, "RSS when serving again (MiB)", "lower", {s: rec[s]["rss_restarted_kib"] / 1024 for s in servers}, "{:.1f}")
        row(section, "data on disk (MiB)", "lower", {s: rec[s]["data_bytes"] / 1048576 for s in servers}, "{:.1f}")

versions = {s: open(os.path.join(results, f"version_{s}.txt")).read().strip() for s in servers}
java_version, zookeeper_package = java_and_package.rsplit(" ", 1)
print(f"Measured {day} by `Benchmarks/keeper-vs-zookeeper.sh --duration {duration} --warmup {warmup} --reps {reps} --znodes {znodes}`.")
print()
print(f"- Machine: {machine}")
print(f"- Keeper: corral {corral_version} (srvr says {versions['keeper']}), {swift_version}, release build")
print(f"- ZooKeeper: {versions['zookeeper'].split('-')[0]} (Debian package {zookeeper_package}), {java_version}, JVM flags: `{jvm_flags}` (default heap and GC)")
print(f"- Medians of {reps} rounds of {duration} s a cell after a {warmup} s warm-up round; each cell ran on Keeper, then on ZooKeeper.")
print(f"- Ratio = Keeper / ZooKeeper; the last column says which way is better.")
section = None
for sec, label, better, k, z, fmt in rows:
    if sec != section:
        section = sec
        print()
        print(f"**{sec}**")
        print()
        print("| | Keeper | ZooKeeper | Keeper/ZooKeeper | better |")
        print("|---|---:|---:|---:|---|")
    ratio = f"{k / z:.2f}" if k is not None and z not in (None, 0) else "–"
    fk = fmt.format(k) if k is not None else "–"
    fz = fmt.format(z) if z is not None else "–"
    print(f"| {label} | {fk} | {fz} | {ratio} | {better} |")
PY

echo
cat "$table"
echo
log "done in $(( SECONDS - run_start ))s"

if [[ $write -eq 1 ]]; then
    python3 - "$root/BENCHMARKS.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
start, end = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
text = open(path).read()
if start not in text or end not in text:
    sys.exit(f"{path} has no {start} ... {end} markers")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{start}\n{table}\n{end}{tail}")
PY
    log "wrote the table into BENCHMARKS.md"
fi
