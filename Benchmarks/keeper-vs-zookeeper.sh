#!/usr/bin/env bash
# Keeper side by side with Apache ZooKeeper 3.8, on this machine, in one run.
#
#   Benchmarks/keeper-vs-zookeeper.sh [--duration S] [--warmup S] [--reps N] [--elections N]
#       [--znodes N] [--only PARTS] [--skip PARTS] [--skip-recovery] [--port-range LO-HI]
#       [--no-build] [--write] [--keep]
#
# Installs Debian's zookeeper package if it is missing, builds corral with scripts/build-release
# (with CORRAL_BIN=PATH it runs that binary and builds nothing), and measures both servers
# with `corral bench`, which starts them with the same settings (`corral bench serve --help`);
# this script picks what runs in which order and writes the table. PARTS (comma-separated;
# all by default; --skip-recovery is --skip recovery):
#
#   start       `corral bench recovery --znodes 0`: process start to serving, --reps times each
#   standalone  `corral bench serve` of each, both up at once; cells create, set, get and
#               mixed 90/10 at 1 client x 1 in flight and 8 x 16, each `corral bench keeper`
#               on Keeper, then on ZooKeeper: a --warmup round (thrown away), then --reps
#               rounds of --duration seconds a cell
#   ensemble    the same on `corral bench serve --ensemble 3`, 8 x 16 cells only (CPU and RSS
#               the leader's); then `corral bench election --kills N` (--elections) on each
#   recovery    `corral bench recovery` with --znodes znodes on each
#
# It prints a table of medians with Keeper/ZooKeeper ratios (Benchmarks/table.py) and, with
# --write, puts it into BENCHMARKS.md between its markers. Every server is stopped on exit.
# Run it alone on the machine: the servers and the load generator share the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

duration=10 warmup=5 reps=3 elections=5 znodes=1000000
all_parts=(start standalone ensemble recovery)
only="" skip="" port_range="${BENCH_PORT_RANGE:-}" build=1 write=0 keep=0

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

servers=(keeper zookeeper)
cells=(create:1:1 set:1:1 get:1:1 mixed:1:1 create:8:16 set:8:16 get:8:16 mixed:8:16)
topologies=()
running standalone && topologies+=(standalone)
running ensemble && topologies+=(ensemble3)
# A bench run that takes this much longer than its duration is stuck (a server that stops
# answering): stop it rather than wait for ever. Setting up and deleting the working set
# of 8,000 znodes takes seconds.
bench_slack=300
port_args=()
[[ -n "$port_range" ]] && port_args=(--port-range "$port_range")

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

tmp=""
serve_pids=()

cleanup() {
    local rc=$?
    stop_servers
    if [[ -n "$tmp" && -d "$tmp" ]]; then
        if [[ $keep -eq 1 || $rc -ne 0 ]]; then log "logs and results kept in $tmp"; else rm -rf "$tmp"; fi
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# serve KIND SIZE OUT: `corral bench serve` in the background; returns once its report (the
# servers, their pids, idle RSS 3 s after they serve, srvr's version) is in OUT.
serve() {
    "$corral" bench serve --server "$1" --ensemble "$2" --settle 3 --tmpdir "$tmp" "${port_args[@]}" --json > "$3" &
    local pid=$!
    serve_pids+=("$pid")
    until [[ -s "$3" ]]; do
        kill -0 "$pid" 2>/dev/null || { echo "keeper-vs-zookeeper: corral bench serve --server $1 failed" >&2; exit 1; }
        sleep 0.2
    done
}

# SIGTERM to every `corral bench serve`: each stops its servers and removes their files.
stop_servers() {
    local pid
    for pid in "${serve_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${serve_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    serve_pids=()
}

# -- 1. ZooKeeper from Debian; corral in release mode, or CORRAL_BIN.
if ! dpkg-query -W -f='${Status}' zookeeper 2>/dev/null | grep -q 'install ok installed'; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "keeper-vs-zookeeper: Debian's zookeeper package is missing: sudo apt-get install -y zookeeper" >&2
        exit 1
    fi
    log "installing Debian's zookeeper package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper
fi
corral="${CORRAL_BIN:-$root/.build/release/corral}"
if [[ -z "${CORRAL_BIN:-}" && $build -eq 1 ]]; then
    log "scripts/build-release --product corral"
    # Builds on a shared machine take turns (two cores), as in scripts/check.
    lock=()
    command -v flock > /dev/null && lock=(flock /tmp/corral-build.lock)
    ("${lock[@]}" "$root/scripts/build-release" --product corral 2>&1 | tail -n 3) >&2
fi
[[ -x "$corral" ]] || { echo "keeper-vs-zookeeper: $corral not found" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/corral-vs-zookeeper.XXXXXX")"
results="$tmp/results"
mkdir -p "$results"
run_start=$SECONDS
log "parts: ${parts[*]}; corral: $corral"

# -- 2. Time from process start to serving, on an empty dataDir, alternating.
if running start; then
    for rep in $(seq 1 "$reps"); do
        for kind in "${servers[@]}"; do
            log "start-to-serving $rep/$reps: $kind"
            "$corral" bench recovery --server "$kind" --znodes 0 --tmpdir "$tmp" "${port_args[@]}" --json \
                > "$results/start_${rep}_${kind}.json"
        done
    done
fi

# -- 3. The matrix: both servers (or ensembles) up, each cell on one and then on the other.
#    Ensembles: then the leader kills, each on an ensemble of its own, with no load.
for topology in "${topologies[@]}"; do
    size=1
    [[ $topology == ensemble3 ]] && size=3
    for kind in "${servers[@]}"; do
        serve "$kind" "$size" "$results/serve_${topology}_${kind}.json"
        log "$topology: $kind serves on $(field "$results/serve_${topology}_${kind}.json" servers)"
    done
    for rep in $(seq 0 "$reps"); do
        seconds=$duration
        [[ $rep -eq 0 ]] && seconds=$warmup
        for cell in "${cells[@]}"; do
            # An ensemble runs the throughput cells only: its point is replication under load.
            [[ $topology != standalone && $cell == *:1:1 ]] && continue
            IFS=: read -r op clients inflight <<< "$cell"
            for kind in "${servers[@]}"; do
                report="$results/serve_${topology}_${kind}.json"
                log "$topology round $rep/$reps: $op ${clients}x$inflight on $kind (${seconds}s)"
                # With every member's pid, bench keeper watches the one leading when the cell starts.
                # --foreground: Ctrl-C reaches it (timeout otherwise runs it in a process group of its own).
                timeout --foreground $(( ${seconds%.*} + bench_slack )) \
                    "$corral" bench keeper --servers "$(field "$report" servers)" --server-pid "$(field "$report" pids)" \
                    --op "$op" --read-pct 90 --clients "$clients" --inflight "$inflight" --duration "$seconds" \
                    --size 100 --working-set 1000 --json --quiet \
                    > "$results/cell_${topology}_${rep}_${op}_${clients}x${inflight}_${kind}.json"
            done
        done
    done
    stop_servers
    if [[ $topology == ensemble3 ]]; then
        for kind in "${servers[@]}"; do
            log "$topology: $elections leader kills on $kind"
            "$corral" bench election --server "$kind" --ensemble 3 --kills "$elections" --tmpdir "$tmp" \
                "${port_args[@]}" --json > "$results/election_${topology}_${kind}.json"
        done
    fi
done

# -- 4. Recovery: a server holding --znodes znodes of 100 bytes restarts (median of 3).
if running recovery; then
    for kind in "${servers[@]}"; do
        log "recovery: $kind with $znodes znodes"
        "$corral" bench recovery --server "$kind" --znodes "$znodes" --size 100 --restarts 3 --tmpdir "$tmp" \
            "${port_args[@]}" --json > "$results/recovery_${kind}.json"
    done
fi

# -- 5. The table, from the JSON reports in $results.
# The command line the table says it came from: the defaults' parts are left out.
command_line="--duration $duration --warmup $warmup --reps $reps"
running ensemble && command_line+=" --elections $elections"
running recovery && command_line+=" --znodes $znodes"
[[ "${parts[*]}" == "${all_parts[*]}" ]] || command_line+=" --only $(IFS=,; echo "${parts[*]}")"
python3 "$here/table.py" "$results" "$reps" "$elections" "$duration" "$warmup" "$znodes" "${topologies[*]}" \
    "${cells[*]}" "$command_line" "${CORRAL_BIN:-}" > "$tmp/table.md"

echo
cat "$tmp/table.md"
echo
log "done in $(( SECONDS - run_start ))s"
if [[ $write -eq 1 ]]; then
    python3 "$here/table.py" --write "$root/BENCHMARKS.md" "$tmp/table.md"
    log "wrote the table into BENCHMARKS.md"
fi
