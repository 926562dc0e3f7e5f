"""Keeper (corral keeper) and Apache ZooKeeper processes with a zoo.cfg of the test's
making, on free ports of 127.0.0.1; and the Java client (ZooKeeperMain over Netty)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

CORRAL = os.environ.get("CORRAL_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/corral"))
ZKCLI = os.path.join(os.path.dirname(os.path.abspath(CORRAL)), "zkcli")
JAVA = os.environ.get("JAVA", "/usr/bin/java")
ZOOKEEPER_JAR = "/usr/share/java/zookeeper.jar"
# zookeeper.jar's manifest names netty's handler and transport but not these three, which
# its Netty connections (the only ones that speak TLS) need too.
NETTY_EXTRA = [
    "/usr/share/java/netty-codec.jar",
    "/usr/share/java/netty-resolver.jar",
    "/usr/share/java/netty-transport-native-unix-common.jar",
]
CLASSPATH = ":".join([ZOOKEEPER_JAR] + NETTY_EXTRA)
# The server JVM's flags (Benchmarks/tls.py gives it the benchmarks' heap).
JAVA_FLAGS = ["-Xmx256m"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, deadline_s=30, process=None, log=None):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {deadline_s} s:\n{_tail(log)}")


def wait_serving(port, deadline_s=30, process=None, log=None):
    """Until `srvr` on a plaintext port says the server serves (ZooKeeper listens before
    it serves, and refuses sessions meanwhile)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"srvr")
                s.settimeout(2)
                if b"Mode:" in s.recv(4096):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"127.0.0.1:{port} does not serve after {deadline_s} s:\n{_tail(log)}")


def _tail(path, lines=20):
    if not path or not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


class Server:
    """One server process with its own directory; `log()` reads what it wrote."""

    def __init__(self, kind, config_lines, wait_port, member=None):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix=f"security-{kind}-")
        self.log_path = os.path.join(self.dir, "server.log")
        config = "\n".join(config_lines + [f"dataDir={self.dir}/data"]) + "\n"
        self.config_path = os.path.join(self.dir, "zoo.cfg")
        with open(self.config_path, "w") as f:
            f.write(config)
        if kind == "corral":
            argv = [CORRAL, "keeper", "--config", self.config_path] + (["--id", str(member)] if member else [])
        else:
            # ZooKeeper takes its JAAS file from the JVM; Keeper from zoo.cfg.
            jaas = [f"-D{line}" for line in config_lines if line.startswith("java.security.auth.login.config=")]
            # With a logging backend, so that its log says what it refused.
            classpath = CLASSPATH + ":/usr/share/java/slf4j-simple.jar"
            argv = [JAVA] + JAVA_FLAGS + jaas + ["-cp", classpath, f"-Dzookeeper.log.dir={self.dir}",
                    "org.apache.zookeeper.server.ZooKeeperServerMain", self.config_path]
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT)
        wait_listening(wait_port, process=self.process, log=self.log_path)
        if f"clientPort={wait_port}" in config_lines:
            wait_serving(wait_port, process=self.process, log=self.log_path)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        stop_process(self.process, self.log_file, self.dir)


def stop_process(process, log_file, directory, sig=signal.SIGTERM, wait_s=10):
    """Signals a server (SIGKILL if it is still there after wait_s), closes its log, and
    removes its directory unless SECURITY_KEEP=1."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(wait_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log_file.close()
    if os.environ.get("SECURITY_KEEP") != "1":
        shutil.rmtree(directory, ignore_errors=True)


def java_client(port, *command, properties=None, timeout=60):
    """`ZooKeeperMain -server 127.0.0.1:PORT COMMAND…` with `-D` system properties;
    returns (exit code, output)."""
    flags = [f"-D{key}={value}" for key, value in (properties or {}).items()]
    argv = [JAVA, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", CLASSPATH] + flags + [
        "org.apache.zookeeper.ZooKeeperMain", "-server", f"127.0.0.1:{port}"] + list(command)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def java_tls_properties(certs, key_store="alice.pem", trust_store="ca.pem"):
    """The system properties that make ZooKeeper's Java client speak TLS."""
    properties = {
        "zookeeper.clientCnxnSocket": "org.apache.zookeeper.ClientCnxnSocketNetty",
        "zookeeper.client.secure": "true",
        "zookeeper.ssl.trustStore.location": os.path.join(certs, trust_store),
        "zookeeper.ssl.trustStore.type": "PEM",
    }
    if key_store:
        properties["zookeeper.ssl.keyStore.location"] = os.path.join(certs, key_store)
        properties["zookeeper.ssl.keyStore.type"] = "PEM"
    return properties


def zkcli(port, *command, tls=None, timeout=60):
    """Corral's zkcli; `tls` is a list of its TLS flags (`--tls --ca …`)."""
    argv = [ZKCLI, "--server", f"127.0.0.1:{port}"] + (tls or []) + list(command)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout + done.stderr
