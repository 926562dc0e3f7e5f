#!/usr/bin/env python3
"""What TLS on the client port costs, Keeper beside Apache ZooKeeper 3.8, in one run.

Each server runs alone with the same zoo.cfg: clientPort and secureClientPort (PEM key and
trust stores, ssl.clientAuth=need, TLS 1.2 as ZooKeeper 3.8 speaks it), forceSync=yes, on
a temporary dataDir. Against each,
`corral bench keeper` runs get and set at --clients x --inflight over plaintext and over
TLS (its clients present a certificate), --reps rounds of --duration seconds after a
--warmup round; the medians are reported with TLS/plaintext and Keeper/ZooKeeper ratios.

    .venv/bin/python Benchmarks/tls.py [--corral .build/release/corral] [--duration 10]
        [--warmup 3] [--reps 3] [--clients 8] [--inflight 16] [--json]

Certificates come from Tests/Security/tlscerts.py (pyca/cryptography, in .venv). Progress
goes to stderr, the table (or JSON) to stdout. Run it alone on the machine."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Security"))

import servers  # noqa: E402
import tlscerts  # noqa: E402

ZOOKEEPER_JVM = ["-Xmx1g", "-Djava.net.preferIPv4Stack=true", "-Dzookeeper.admin.enableServer=false"]


def say(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def config(certs, plain, secure):
    return [
        "tickTime=2000", f"clientPort={plain}", "clientPortAddress=127.0.0.1", f"secureClientPort={secure}",
        "secureClientPortAddress=127.0.0.1", "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
        f"ssl.keyStore.location={certs}/server.pem", "ssl.keyStore.type=PEM",
        f"ssl.trustStore.location={certs}/ca.pem", "ssl.trustStore.type=PEM", "ssl.clientAuth=need",
        # ZooKeeper 3.8's default, the one version it speaks with its default cipher suites;
        # Keeper would speak 1.3 too.
        "ssl.protocol=TLSv1.2",
        "maxClientCnxns=1000", "4lw.commands.whitelist=*", "forceSync=yes", "admin.enableServer=false",
    ]


def bench(corral, port, op, args, tls_certs=None):
    argv = [corral, "bench", "keeper", "--servers", f"127.0.0.1:{port}", "--op", op, "--clients", str(args.clients),
            "--inflight", str(args.inflight), "--size", "100", "--quiet", "--json"]
    if tls_certs:
        argv += ["--tls-ca", f"{tls_certs}/ca.pem", "--tls-cert", f"{tls_certs}/alice.pem"]
    runs = []
    for round_ in range(args.reps + 1):
        duration = args.warmup if round_ == 0 else args.duration
        done = subprocess.run(argv + ["--duration", str(duration)], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
        if round_ > 0:
            runs.append(json.loads(done.stdout)["throughput"])
    return statistics.median(runs), runs


def measure(kind, corral, certs, args):
    plain, secure = servers.free_port(), servers.free_port()
    if kind == "zookeeper":
        servers.JAVA_FLAGS = ZOOKEEPER_JVM
    server = servers.Server("corral" if kind == "keeper" else "zookeeper", config(certs, plain, secure), secure)
    figures = {}
    try:
        servers.wait_listening(plain)
        for op in ("get", "set"):
            for mode, port, tls in (("plaintext", plain, None), ("tls", secure, certs)):
                say(f"tls bench: {kind} {op} over {mode}")
                median, runs = bench(corral, port, op, args, tls)
                figures[f"{op}/{mode}"] = {"median": median, "runs": runs}
    finally:
        server.stop()
    return figures


def table(results, args):
    lines = [
        f"| op ({args.clients} clients x {args.inflight} in flight) | Keeper plaintext | Keeper TLS | TLS/plain |"
        " ZooKeeper plaintext | ZooKeeper TLS | TLS/plain | Keeper/ZooKeeper over TLS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for op in ("get", "set"):
        k, z = results["keeper"], results["zookeeper"]
        kp, kt = k[f"{op}/plaintext"]["median"], k[f"{op}/tls"]["median"]
        zp, zt = z[f"{op}/plaintext"]["median"], z[f"{op}/tls"]["median"]
        lines.append(
            f"| {op} | {kp:,.0f} | {kt:,.0f} | {kt / kp:.2f} | {zp:,.0f} | {zt:,.0f} | {zt / zp:.2f} | {kt / zt:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corral", default=os.path.join(ROOT, ".build/release/corral"))
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--inflight", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    servers.CORRAL = os.path.abspath(args.corral)
    certs = tempfile.mkdtemp(prefix="tls-bench-")
    try:
        tlscerts.write_all(certs)
        results = {kind: measure(kind, servers.CORRAL, certs, args) for kind in ("keeper", "zookeeper")}
    finally:
        shutil.rmtree(certs, ignore_errors=True)
    print(json.dumps(results, indent=1) if args.json else table(results, args))


if __name__ == "__main__":
    main()
