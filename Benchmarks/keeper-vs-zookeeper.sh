#!/usr/bin/env bash
# Keeper side by side with Apache ZooKeeper 3.8, on this machine, in one run.
#
#   Benchmarks/keeper-vs-zookeeper.sh [--duration S] [--warmup S] [--reps N] [--elections N]
#       [--znodes N] [--only PARTS] [--skip PARTS] [--skip-recovery] [--port-range LO-HI]
#       [--no-build] [--write] [--keep]
#
# Installs Debian's zookeeper package if it is missing, builds corral with scripts/build-release (with
# CORRAL_BIN=PATH in the environment it runs that binary instead and builds nothing),
# starts Apache ZooKeeper and Keeper with the same settings (tickTime=2000, forceSync=yes,
# data in one temporary directory on one file system, 127.0.0.1 only, every four-letter
# word allowed) and runs the same matrix against each in alternation: one warm-up round
# (--warmup seconds a cell, thrown away), then --reps rounds of --duration seconds a
# cell, each cell on Keeper and then on ZooKeeper. PARTS (comma-separated; default all):
#
#   start       the time from process start to serving (an empty dataDir), --reps times
#   standalone  one server each. Cells: create, set, get and mixed 90/10, at 1 client x 1
#               in flight (latency) and 8 clients x 16 in flight (throughput); RSS idle and
#               under load, CPU seconds per 100,000 operations (the server's utime+stime
#               over the timed window)
#   ensemble    3-server ensembles of each (initLimit=10, syncLimit=5), clients spread over
#               the three: the 8 x 16 cells (CPU and RSS are the leader's); then, idle,
#               --elections times on each in alternation: SIGKILL the leader, time until a
#               survivor says it leads and until a write through a survivor succeeds, start
#               the killed server again and wait until it follows
#   recovery    `corral bench recovery` with --znodes znodes on each
#
# --skip-recovery is --skip recovery. It prints a table of medians with Keeper/ZooKeeper
# ratios and, with --write, puts it into BENCHMARKS.md between its markers. Every process
# it starts is stopped on exit, whatever happens.
#
# Run it alone on the machine (no build or test beside it): the servers and the load
# generator share the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

duration=10
warmup=5
reps=3
elections=5
znodes=1000000
all_parts=(start standalone ensemble recovery)
only=""
skip=""
port_range="${BENCH_PORT_RANGE:-}"
build=1
write=0
keep=0

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="${2:?}"; shift 2 ;;
        --warmup) warmup="${2:?}"; shift 2 ;;
        --reps) reps="${2:?}"; shift 2 ;;
        --elections) elections="${2:?}"; shift 2 ;;
        --znodes) znodes="${2:?}"; shift 2 ;;
        --only) only="${2:?}"; shift 2 ;;
        --skip) skip="${skip:+$skip,}${2:?}"; shift 2 ;;
        --skip-recovery) skip="${skip:+$skip,}recovery"; shift ;;
        --port-range) port_range="${2:?}"; shift 2 ;;
        --no-build) build=0; shift ;;
        --write) write=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "keeper-vs-zookeeper: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
if (( reps < 1 )); then echo "keeper-vs-zookeeper: --reps must be at least 1" >&2; exit 2; fi
if (( elections < 1 )); then echo "keeper-vs-zookeeper: --elections must be at least 1" >&2; exit 2; fi

# The parts to run: --only's list (all of them without it), less --skip's, in the order of
# all_parts whatever order they were given in.
parts=()
for part in ${only//,/ } ${skip//,/ }; do
    [[ " ${all_parts[*]} " == *" $part "* ]] && continue
    echo "keeper-vs-zookeeper: unknown part '$part' (parts: ${all_parts[*]})" >&2
    exit 2
done
for part in "${all_parts[@]}"; do
    if [[ -n "$only" && ",$only," != *",$part,"* ]]; then continue; fi
    if [[ ",$skip," == *",$part,"* ]]; then continue; fi
    parts+=("$part")
done
if [[ ${#parts[@]} -eq 0 ]]; then echo "keeper-vs-zookeeper: no part left to run" >&2; exit 2; fi
running() { [[ " ${parts[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------
# The settings both servers get. Topologies: standalone and ensemble3 (three servers,
# clients spread over them); the first runs every cell, the second the throughput ones.
# ---------------------------------------------------------------------------------
tick_time=2000
max_client_cnxns=1000
# Ensemble only (ZooKeeper requires them with server.N lines): ticks a follower has to
# sync with a new leader, and may go without hearing from it.
init_limit=10
sync_limit=5
ensemble_size=3
topologies=()
running standalone && topologies+=(standalone)
running ensemble && topologies+=(ensemble3)
servers=(keeper zookeeper)
cells=(create:1:1 set:1:1 get:1:1 mixed:1:1 create:8:16 set:8:16 get:8:16 mixed:8:16)
read_pct=90
size=100
working_set=1000
# A bench run that takes this much longer than its duration is stuck (a server that stops
# answering): stop it rather than wait for ever. Setting up and deleting the working set
# of 8,000 znodes takes seconds.
bench_slack=300
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
# a pid the system may have handed to someone else since. Also what forgets a server that
# was SIGKILLed: it is gone already, so this returns at once.
stop_pid() {
    local pid="$1" kept=() p
    for p in "${pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]}")
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Ports handed out in this run. Keeper accepts an election port in server.N lines but
# never binds it, so a port that is free now may still be one of ours: the ones given out
# are never picked again.
reserved_ports=()

# pick_ports COUNT: COUNT free ports on 127.0.0.1, one a line, none in reserved_ports.
# Each stays bound until all are picked, so none comes twice. Callers that need them
# reserved append them to reserved_ports (a $(...) cannot).
pick_ports() {
    python3 - "$port_range" "$1" "${reserved_ports[*]}" <<'PY'
import socket, sys
rng, count, reserved = sys.argv[1], int(sys.argv[2]), {int(p) for p in sys.argv[3].split()}
held = []
def take(p):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        s.close()
        return None
    held.append(s)
    return s.getsockname()[1]
ports = []
if rng:
    lo, hi = (int(x) for x in rng.split("-"))
    for p in range(lo, hi + 1):
        if len(ports) == count:
            break
        if p not in reserved and take(p):
            ports.append(p)
    if len(ports) < count:
        sys.exit("no %d free ports in %s" % (count, rng))
else:
    for _ in range(1000):
        if len(ports) == count:
            break
        p = take(0)
        if p not in reserved:
            ports.append(p)
print("\n".join(str(p) for p in ports))
PY
}

# One free port. Called in $(...), it cannot reserve it: a caller that needs that does.
pick_port() { pick_ports 1; }

four_letter() { # PORT WORD
    timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"' && printf %s '"$2"' >&3 && cat <&3' 2>/dev/null || true
}

server_mode() { # PORT -> leader, follower, standalone, or nothing while it does not serve
    four_letter "$1" srvr | sed -n 's/^Mode: //p' | head -n 1
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

# write_ensemble_config FILE DATADIR SERVER-LINE...: the same keys as write_config, for a
# member of an ensemble. Its client address is in its server.N line (";127.0.0.1:PORT"),
# not in clientPort/clientPortAddress: ZooKeeper binds a bare ";PORT" to every address and
# refuses clientPortAddress without clientPort, and Keeper binds a server.N client address
# as it would clientPortAddress. So both get the same lines.
write_ensemble_config() {
    local file="$1" data="$2"
    shift 2
    {
        cat <<EOF
tickTime=$tick_time
dataDir=$data
maxClientCnxns=$max_client_cnxns
4lw.commands.whitelist=*
forceSync=yes
initLimit=$init_limit
syncLimit=$sync_limit
EOF
        printf '%s\n' "$@"
    } > "$file"
}

zk_classpath() {
    local cp="/usr/share/java/zookeeper.jar"
    [[ -f /usr/share/java/slf4j-simple.jar ]] && cp="$cp:/usr/share/java/slf4j-simple.jar"
    echo "${ZK_CLASSPATH:-$cp}"
}

# start_topology KIND TOPOLOGY NAME: sets started_pid and started_port to the server the
# clients use, and started_hosts to the host:port list they spread over (an ensemble
# starts three; started_pid and started_port are its leader). Not in a subshell: the pids
# must reach the exit trap.
started_pid=""
started_port=""
started_hosts=""
start_topology() {
    local kind="$1" topology="$2" name="$3"
    case "$topology" in
        standalone) start_standalone "$kind" "$name" ;;
        ensemble3) start_ensemble "$kind" "$name" ;;
        *) echo "keeper-vs-zookeeper: topology $topology is not built yet" >&2; return 1 ;;
    esac
}

start_standalone() { # KIND NAME
    local kind="$1" name="$2" port dir pid
    port="$(pick_port)"
    reserved_ports+=("$port")
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
    started_hosts="127.0.0.1:$port"
}

# The members of the running ensembles, by "KIND/N": pid, client port, and the directory
# with its log (and, for ZooKeeper, its zoo.cfg).
declare -A member_pid=() member_port=() member_dir=() ensemble_dir=()

# start_ensemble KIND NAME: three servers replicating with each other. Keeper: one zoo.cfg
# with a server.N line each; `--id N` picks the line, and the server keeps its files under
# dataDir/N. ZooKeeper takes its id from dataDir/myid: each member gets a copy of the
# config naming its own dataDir (data/N, with a myid file). Returns once all three serve
# with one leader.
start_ensemble() {
    local kind="$1" name="$2" dir="$tmp/$2" n ports=() lines=() hosts=()
    mapfile -t ports < <(pick_ports $(( 3 * ensemble_size )))
    [[ ${#ports[@]} -eq $(( 3 * ensemble_size )) ]] || return 1
    reserved_ports+=("${ports[@]}")
    for n in $(seq 1 "$ensemble_size"); do
        local peer="${ports[$(( 3 * (n - 1) ))]}" election="${ports[$(( 3 * (n - 1) + 1 ))]}"
        local client="${ports[$(( 3 * (n - 1) + 2 ))]}"
        lines+=("server.$n=127.0.0.1:$peer:$election;127.0.0.1:$client")
        hosts+=("127.0.0.1:$client")
        member_port[$kind/$n]=$client
        member_dir[$kind/$n]="$dir/$n"
        mkdir -p "$dir/$n"
    done
    ensemble_dir[$kind]="$dir"
    mkdir -p "$dir/data"
    case "$kind" in
        keeper) write_ensemble_config "$dir/zoo.cfg" "$dir/data" "${lines[@]}" ;;
        zookeeper)
            for n in $(seq 1 "$ensemble_size"); do
                mkdir -p "$dir/data/$n"
                echo "$n" > "$dir/data/$n/myid"
                write_ensemble_config "$dir/$n/zoo.cfg" "$dir/data/$n" "${lines[@]}"
            done ;;
    esac
    for n in $(seq 1 "$ensemble_size"); do launch_member "$kind" "$n"; done
    wait_ensemble "$kind"
    started_hosts="$(IFS=,; echo "${hosts[*]}")"
    find_leader "$kind"
    started_pid="${member_pid[$kind/$leader]}"
    started_port="${member_port[$kind/$leader]}"
}

# launch_member KIND N: starts member N of KIND's ensemble on its data (again, after a
# kill: its log is appended to) and records its pid.
launch_member() {
    local kind="$1" n="$2" sdir="${member_dir[$1/$2]}" dir="${ensemble_dir[$1]}"
    case "$kind" in
        keeper) "$corral" keeper --config "$dir/zoo.cfg" --id "$n" >> "$sdir/server.log" 2>&1 < /dev/null & ;;
        zookeeper)
            java "${zk_jvm_flags[@]}" -cp "$(zk_classpath)" org.apache.zookeeper.server.quorum.QuorumPeerMain \
                "$sdir/zoo.cfg" >> "$sdir/server.log" 2>&1 < /dev/null & ;;
    esac
    member_pid[$kind/$n]=$!
    pids+=("$!")
}

# wait_ensemble KIND: until every member serves, as leader or follower, with exactly one
# leader among them (a member that is back after a kill has caught up once it follows).
wait_ensemble() {
    local kind="$1" deadline=$(( SECONDS + 120 )) n mode leaders serving states
    while true; do
        leaders=0 serving=0 states=""
        for n in $(seq 1 "$ensemble_size"); do
            if ! kill -0 "${member_pid[$kind/$n]}" 2>/dev/null; then
                echo "keeper-vs-zookeeper: $kind server.$n exited; log tail:" >&2
                tail -n 30 "${member_dir[$kind/$n]}/server.log" >&2
                return 1
            fi
            mode="$(server_mode "${member_port[$kind/$n]}")"
            states+=" $n=${mode:-down}"
            case "$mode" in
                leader) leaders=$(( leaders + 1 )); serving=$(( serving + 1 )) ;;
                follower) serving=$(( serving + 1 )) ;;
            esac
        done
        if (( serving == ensemble_size && leaders == 1 )); then return 0; fi
        if (( SECONDS > deadline )); then
            echo "keeper-vs-zookeeper: the $kind ensemble did not form in 120 s:$states" >&2
            for n in $(seq 1 "$ensemble_size"); do
                echo "--- server.$n" >&2
                tail -n 20 "${member_dir[$kind/$n]}/server.log" >&2
            done
            return 1
        fi
        sleep 0.1
    done
}

# find_leader KIND: sets leader to the N of the member that says it leads (wait_ensemble
# first: there is one).
leader=""
find_leader() {
    local kind="$1" n
    for n in $(seq 1 "$ensemble_size"); do
        if [[ "$(server_mode "${member_port[$kind/$n]}")" == leader ]]; then leader=$n; return 0; fi
    done
    echo "keeper-vs-zookeeper: no $kind member says it leads" >&2
    return 1
}

# election_probe PID PORTS TIMEOUT: SIGKILLs PID (a leader) and polls the surviving
# members' client PORTS (comma-separated) until one says it leads in `srvr` and a write
# through a survivor succeeds: one session that creates an ephemeral sequential znode at
# the root, on a plain socket (the ZooKeeper wire protocol, three requests), tried once a
# survivor says it leads, on it first, then on the followers. The clock starts just before
# the kill, in the same process, so starting a client costs nothing. Prints one JSON
# object. Its stderr goes to fd 3 (see measure_election).
election_probe() {
    CORRAL_ROOT="$root" timeout $(( $3 + 30 )) python3 - "$@" 2>&3 <<'PY'
import json, os, signal, socket, struct, sys, time

pid, ports, limit = int(sys.argv[1]), [int(p) for p in sys.argv[2].split(",")], float(sys.argv[3])

# The interop harness's four-letter-word client (standard library only).
sys.path.insert(0, os.path.join(os.environ["CORRAL_ROOT"], "Tests", "Interop", "interop"))
from ensemble import four_letter

def mode(port):
    for line in (four_letter("127.0.0.1", port, "srvr", timeout=0.5) or "").splitlines():
        if line.startswith("Mode: "):
            return line[6:].strip()
    return None

def read_frame(sock):
    def exactly(n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise OSError("connection closed")
            data += chunk
        return data
    (length,) = struct.unpack(">i", exactly(4))
    return exactly(length)

def send_frame(sock, payload):
    sock.sendall(struct.pack(">i", len(payload)) + payload)

def ustring(text):
    data = text.encode()
    return struct.pack(">i", len(data)) + data

def write_once(port, timeout):
    """ConnectRequest, create (ephemeral sequential, world:anyone ALL), closeSession.
    True if the create succeeded."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            # protocolVersion, lastZxidSeen, timeOut (ms), sessionId, passwd, readOnly
            send_frame(sock, struct.pack(">iqiqi", 0, 0, 10000, 0, 16) + bytes(16) + b"\0")
            _, session_timeout, _ = struct.unpack(">iiq", read_frame(sock)[:16])
            if session_timeout <= 0:
                return False
            create = (struct.pack(">ii", 1, 1) + ustring("/corral-bench-election-") + struct.pack(">i", 0)
                      + struct.pack(">ii", 1, 31) + ustring("world") + ustring("anyone") + struct.pack(">i", 3))
            send_frame(sock, create)
            _, _, err = struct.unpack(">iqi", read_frame(sock)[:16])
            try:
                send_frame(sock, struct.pack(">ii", 2, -11))
                read_frame(sock)
            except OSError:
                pass  # the ephemeral node goes with the session either way
            return err == 0
    except (OSError, struct.error):
        return False

killed = time.monotonic()
os.kill(pid, signal.SIGKILL)
deadline = killed + limit
leader_at = write_at = None
leader_port = write_port = None
attempts = 0
while time.monotonic() < deadline and write_at is None:
    modes = {port: mode(port) for port in ports}
    leaders = [port for port, m in modes.items() if m == "leader"]
    if leaders and leader_at is None:
        leader_at, leader_port = time.monotonic(), leaders[0]
    # No write can succeed before there is a leader; a survivor that still says
    # "follower" may not have noticed the kill yet, and a write to it could hang until
    # it does. Once a survivor leads, try it, then the followers.
    if leader_at is None:
        time.sleep(0.01)
        continue
    for port in leaders + [port for port, m in modes.items() if m == "follower"]:
        attempts += 1
        if write_once(port, max(0.1, min(2.0, deadline - time.monotonic()))):
            write_at, write_port = time.monotonic(), port
            break
    if write_at is None:
        time.sleep(0.01)
print(json.dumps({
    "leader_ms": None if leader_at is None else round((leader_at - killed) * 1000, 1),
    "write_ms": None if write_at is None else round((write_at - killed) * 1000, 1),
    "leader_port": leader_port, "write_port": write_port, "write_attempts": attempts,
}))
sys.exit(0 if write_at is not None else 1)
PY
}

# measure_election KIND OUT: kills KIND's leader with election_probe, writes its JSON to
# OUT, then starts the killed member again on its data and waits until it follows.
measure_election() {
    local kind="$1" out="$2" old_pid survivors=() n
    wait_ensemble "$kind"
    find_leader "$kind"
    local old=$leader
    old_pid="${member_pid[$kind/$old]}"
    for n in $(seq 1 "$ensemble_size"); do
        [[ $n -eq $old ]] || survivors+=("${member_port[$kind/$n]}")
    done
    # bash reports a child killed by a signal ("Killed") on its stderr as it reaps it, which
    # happens while the probe runs: the shell's stderr goes to /dev/null meanwhile, the
    # probe's own to fd 3, the real one.
    local probe_rc=0
    { election_probe "$old_pid" "$(IFS=,; echo "${survivors[*]}")" 60 > "$out" || probe_rc=$?; } 3>&2 2>/dev/null
    stop_pid "$old_pid"
    if [[ $probe_rc -ne 0 ]]; then
        echo "keeper-vs-zookeeper: no write through a surviving $kind server within 60 s of killing server.$old: $(cat "$out")" >&2
        return 1
    fi
    log "  $kind: SIGKILLed leader server.$old: $(cat "$out")"
    launch_member "$kind" "$old"
    wait_ensemble "$kind"
    find_leader "$kind"
    log "  $kind: server.$old is back as $(server_mode "${member_port[$kind/$old]}"); server.$leader leads"
}

# ---------------------------------------------------------------------------------
# 1. ZooKeeper from Debian; corral in release mode, or CORRAL_BIN.
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
if [[ -n "${CORRAL_BIN:-}" ]]; then
    corral="$CORRAL_BIN"
else
    if [[ $build -eq 1 ]]; then
        log "scripts/build-release --product corral"
        ("$root/scripts/build-release" --product corral 2>&1 | tail -n 3) >&2
    fi
    corral="$root/.build/release/corral"
fi
[[ -x "$corral" ]] || { echo "keeper-vs-zookeeper: $corral not found" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/corral-vs-zookeeper.XXXXXX")"
results="$tmp/results"
mkdir -p "$results"
run_start=$SECONDS
log "parts: ${parts[*]}; corral: $corral"

# ---------------------------------------------------------------------------------
# 2. Time from process start to serving, on an empty dataDir, alternating.
# ---------------------------------------------------------------------------------
if running start; then
    for rep in $(seq 1 "$reps"); do
        for kind in "${servers[@]}"; do
            log "start-to-serving $rep/$reps: $kind"
            "$corral" bench recovery --server "$kind" --znodes 0 --tmpdir "$tmp" --port "$(pick_port)" --json \
                > "$results/start_${rep}_${kind}.json"
        done
    done
fi

# ---------------------------------------------------------------------------------
# 3. The matrix: both servers (or ensembles) up, each cell on one and then on the other.
#    Ensembles: then the leader kills.
# ---------------------------------------------------------------------------------
for topology in "${topologies[@]}"; do
    topology_cells=()
    for cell in "${cells[@]}"; do
        # An ensemble runs the throughput cells only: its point is replication under load.
        [[ $topology == standalone || $cell != *:1:1 ]] && topology_cells+=("$cell")
    done
    echo "${topology_cells[*]}" > "$results/cells_${topology}.txt"
    declare -A server_pid=() server_port=() server_hosts=()
    for kind in "${servers[@]}"; do
        start_topology "$kind" "$topology" "$topology-$kind"
        server_pid[$kind]=$started_pid
        server_port[$kind]=$started_port
        server_hosts[$kind]=$started_hosts
        log "$topology: $kind serves on ${started_hosts} (pid $started_pid serves 127.0.0.1:$started_port)"
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
        for cell in "${topology_cells[@]}"; do
            IFS=: read -r op clients inflight <<< "$cell"
            for kind in "${servers[@]}"; do
                pid="${server_pid[$kind]}"
                if [[ $topology != standalone ]]; then
                    # CPU and RSS are the leader's; a leader kill comes only after the cells,
                    # but the leader may still change on its own: look it up every time.
                    wait_ensemble "$kind"
                    find_leader "$kind"
                    pid="${member_pid[$kind/$leader]}"
                fi
                log "$topology round $rep/$reps: $op ${clients}x$inflight on $kind (${seconds}s)"
                timeout $(( ${seconds%.*} + bench_slack )) \
                    "$corral" bench keeper --servers "${server_hosts[$kind]}" --op "$op" \
                    --read-pct "$read_pct" --clients "$clients" --inflight "$inflight" --duration "$seconds" \
                    --size "$size" --working-set "$working_set" --server-pid "$pid" --json --quiet \
                    > "$results/cell_${topology}_${rep}_${op}_${clients}x${inflight}_${kind}.json"
            done
        done
    done
    if [[ $topology != standalone ]]; then
        # Idle: no load runs while the leader dies, so every member has the same history
        # and the figure is the election and the new leader's sync alone.
        for rep in $(seq 1 "$elections"); do
            for kind in "${servers[@]}"; do
                log "$topology leader kill $rep/$elections: $kind"
                measure_election "$kind" "$results/election_${topology}_${rep}_${kind}.json"
            done
        done
    fi
    for kind in "${servers[@]}"; do
        if [[ $topology == standalone ]]; then
            stop_pid "${server_pid[$kind]}"
        else
            for n in $(seq 1 "$ensemble_size"); do stop_pid "${member_pid[$kind/$n]}"; done
        fi
    done
    unset server_pid server_port server_hosts
done

# ---------------------------------------------------------------------------------
# 4. Recovery: a server holding --znodes znodes of 100 bytes restarts (median of 3).
# ---------------------------------------------------------------------------------
if running recovery; then
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
if [[ -n "${CORRAL_BIN:-}" ]]; then
    # Built from who knows which commit: this checkout's says nothing about it.
    corral_version=""
    corral_build="binary CORRAL_BIN=$CORRAL_BIN"
else
    corral_build="$(swift --version 2>&1 | head -n 1), release build (scripts/build-release: static Swift runtime)"
fi
# The command line the table says it came from: the defaults' parts are left out.
command_line="--duration $duration --warmup $warmup --reps $reps"
running ensemble && command_line+=" --elections $elections"
running recovery && command_line+=" --znodes $znodes"
[[ "${parts[*]}" == "${all_parts[*]}" ]] || command_line+=" --only $(IFS=,; echo "${parts[*]}")"
table="$tmp/table.md"
python3 - "$results" "$reps" "$elections" "$duration" "$warmup" "$znodes" "${topologies[*]}" \
    "$machine" "$java_version $zookeeper_package" "$corral_version" "$corral_build" "${zk_jvm_flags[*]}" \
    "$(date -u +%Y-%m-%d)" "$command_line" > "$table" <<'PY'
import json, os, statistics, sys

(results, reps, elections, duration, warmup, znodes, topologies, machine, java_and_package,
 corral_version, corral_build, jvm_flags, day, command_line) = sys.argv[1:]
reps, elections, znodes = int(reps), int(elections), int(znodes)
servers = ["keeper", "zookeeper"]

def path(name):
    return os.path.join(results, name)

def load(name):
    with open(path(name)) as f:
        return json.load(f)

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

rows = []  # (section, label, better, keeper, zookeeper, fmt)

def row(section, label, better, values, fmt):
    rows.append((section, label, better, values.get("keeper"), values.get("zookeeper"), fmt))

started = os.path.exists(path("start_1_keeper.json"))
for topology in topologies.split():
    cells = open(path(f"cells_{topology}.txt")).read().split()
    # In an ensemble the server figures are the leader's (bench keeper watches one pid).
    whose = "" if topology == "standalone" else "leader "
    for cell in cells:
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
            row(section, f"{whose}server CPU s per 100k ops", "lower",
                {s: median([d["server"]["cpu_seconds_per_100k_ops"] for d in per[s] if d.get("server")]) for s in servers}, "{:.2f}")
    section = f"{topology}: {whose}server"
    row(section, "RSS idle (MiB)", "lower", {s: load(f"idle_{topology}_{s}.json")["rss_idle_kib"] / 1024 for s in servers}, "{:.1f}")
    load_rss = {}
    for s in servers:
        per_rep = []
        for r in range(1, reps + 1):
            figures = [load(f"cell_{topology}_{r}_{c.split(':')[0]}_{c.split(':')[1]}x{c.split(':')[2]}_{s}.json").get("server", {}).get("rss_max_kib", 0)
                       for c in cells if c.split(":")[1] != "1"]
            per_rep.append(max(figures) / 1024)
        load_rss[s] = median(per_rep)
    row(section, "RSS under load, max over the 8x16 cells (MiB)", "lower", load_rss, "{:.1f}")
    if topology == "standalone" and started:
        row(section, "start to serving, empty dataDir (ms)", "lower",
            {s: median([load(f"start_{r}_{s}.json")["first_start_seconds"] * 1000 for r in range(1, reps + 1)]) for s in servers}, "{:.0f}")
    if topology != "standalone":
        section = f"{topology}: leader SIGKILLed, idle (median of {elections})"
        per = {s: [load(f"election_{topology}_{r}_{s}.json") for r in range(1, elections + 1)] for s in servers}
        row(section, "election after leader kill: a survivor says it leads (ms)", "lower",
            {s: median([d["leader_ms"] for d in per[s]]) for s in servers}, "{:.0f}")
        row(section, "election after leader kill: a write succeeds (ms)", "lower",
            {s: median([d["write_ms"] for d in per[s]]) for s in servers}, "{:.0f}")
if started and "standalone" not in topologies.split():
    row("standalone: server", "start to serving, empty dataDir (ms)", "lower",
        {s: median([load(f"start_{r}_{s}.json")["first_start_seconds"] * 1000 for r in range(1, reps + 1)]) for s in servers}, "{:.0f}")
if os.path.exists(path("recovery_keeper.json")):
    rec = {s: load(f"recovery_{s}.json") for s in servers}
    section = f"standalone: recovery, {znodes:,} znodes of 100 bytes"
    row(section, "load (creates/s, 8x64 pipelined)", "higher", {s: rec[s]["load_rate"] for s in servers}, "{:,.0f}")
    row(section, "restart to serving (s, median of 3)", "lower", {s: rec[s]["restart_seconds_median"] for s in servers}, "{:.2f}")
    row(section, "RSS when serving again (MiB)", "lower", {s: rec[s]["rss_restarted_kib"] / 1024 for s in servers}, "{:.1f}")
    row(section, "data on disk (MiB)", "lower", {s: rec[s]["data_bytes"] / 1048576 for s in servers}, "{:.1f}")

def version(s):
    try:
        return open(path(f"version_{s}.txt")).read().strip() or "unknown"
    except OSError:
        return "unknown"  # no topology ran: nothing answered srvr here
java_version, zookeeper_package = java_and_package.rsplit(" ", 1)
print(f"Measured {day} by `Benchmarks/keeper-vs-zookeeper.sh {command_line}`.")
print()
print(f"- Machine: {machine}")
print(f"- Keeper: corral{' ' + corral_version if corral_version else ''} (srvr says {version('keeper')}), {corral_build}")
print(f"- ZooKeeper: {version('zookeeper').split('-')[0]} (Debian package {zookeeper_package}), {java_version}, JVM flags: `{jvm_flags}` (default heap and GC)")
if topologies.split():
    print(f"- Medians of {reps} rounds of {duration} s a cell after a {warmup} s warm-up round; each cell ran on Keeper, then on ZooKeeper.")
if "ensemble3" in topologies.split():
    print(f"- ensemble3: 3 servers of each on 127.0.0.1, clients spread over them; CPU and RSS are the leader's. "
          f"Leader kills: {elections} on each, alternating, with no load; times from the SIGKILL.")
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
