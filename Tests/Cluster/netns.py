"""Hosts of their own for the cluster tests: each host is a network namespace with one
address on 10.231.0.0/24, linked by a veth to a bridge that lives in a namespace of its own
(the switch). The test process reaches the hosts through a veth of its own into the switch,
and gains only the route to that subnet; the hosts have no other route, so no traffic
leaves the namespaces the test made. Cutting a host takes its switch port down: its packets
are dropped both ways and nobody hears a thing, as with a pulled cable.

Daemons enter a host with `nsenter --net`, not `ip netns exec`: the latter remounts /sys,
which hides the cgroup hierarchies under /sys/fs/cgroup that agents isolate tasks in."""
import os
import shutil
import subprocess
import uuid

SUBNET = "10.231.0.%d"


def unavailable():
    """Why this machine cannot give hosts their own namespaces, or None if it can."""
    if os.geteuid() != 0:
        return "not root: network namespaces need CAP_SYS_ADMIN"
    for tool in ("ip", "nsenter"):
        if shutil.which(tool) is None:
            return "no %s command (Debian's iproute2 and util-linux)" % tool
    probe = "crl-probe-%s" % uuid.uuid4().hex[:6]
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return "ip netns add failed: %s" % made.stderr.strip()
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _ip(*args):
    done = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), done.stderr.strip()))


class Network:
    """The switch, the test process's port on it (10.231.0.1), and the hosts added."""

    def __init__(self):
        self.tag = uuid.uuid4().hex[:4]
        self.switch = "crl%s-sw" % self.tag
        self.hosts = {}  # name -> address
        self.namespaces = []
        self.root_link = "crl%s-t" % self.tag
        try:
            self._add_namespace(self.switch)
            _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
            _ip("-n", self.switch, "link", "set", "br0", "up")
            _ip("link", "add", self.root_link, "type", "veth", "peer", "name", "port-t", "netns", self.switch)
            _ip("addr", "add", SUBNET % 1 + "/24", "dev", self.root_link)
            _ip("link", "set", self.root_link, "up")
            self._plug("port-t")
        except BaseException:
            self.close()
            raise

    def _add_namespace(self, name):
        _ip("netns", "add", name)
        self.namespaces.append(name)
        _ip("-n", name, "link", "set", "lo", "up")

    def _plug(self, port):
        _ip("-n", self.switch, "link", "set", port, "master", "br0")
        _ip("-n", self.switch, "link", "set", port, "up")

    def add_host(self, name, octet):
        """A host named `name` at 10.231.0.<octet>; returns its address."""
        namespace = "crl%s-%s" % (self.tag, name)
        address = SUBNET % octet
        self._add_namespace(namespace)
        _ip("link", "add", "eth0", "netns", namespace, "type", "veth", "peer", "name", "port-" + name,
            "netns", self.switch)
        _ip("-n", namespace, "addr", "add", address + "/24", "dev", "eth0")
        _ip("-n", namespace, "link", "set", "eth0", "up")
        self._plug("port-" + name)
        self.hosts[name] = address
        return address

    def enter(self, name):
        """The command prefix that runs a program on host `name`."""
        return ["nsenter", "--net=/var/run/netns/crl%s-%s" % (self.tag, name)]

    def cut(self, name):
        _ip("-n", self.switch, "link", "set", "port-" + name, "down")

    def heal(self, name):
        _ip("-n", self.switch, "link", "set", "port-" + name, "up")

    def close(self):
        """Removes every namespace made (their links go with them) and the test's own link."""
        subprocess.run(["ip", "link", "del", self.root_link], capture_output=True)
        for namespace in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        self.namespaces = []
