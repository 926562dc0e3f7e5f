"""Four-letter words through kazoo's client.command() (one socket, one recv of 8 KB)
and server_version() (parses `envi`), with 4lw.commands.whitelist=*.

kazoo sends them to the server it is connected to; in an ensemble that is any of them,
so the words that report per-server state (mode, port, id, watches, connections) are
checked against that server."""
import re

import pytest

from interop import helpers


def modes():
    """What `srvr` may say as Mode: a standalone server is standalone; a serving member
    of an ensemble leads or follows."""
    return {"leader", "follower"} if helpers.is_ensemble() else {"standalone"}


def server_ids(server_config):
    """client port -> N, from the server.N=host:peer:election;[host:]clientPort lines."""
    out = {}
    for key, value in server_config.items():
        if key.startswith("server.") and ";" in value:
            out[int(value.rsplit(";", 1)[1].rsplit(":", 1)[-1])] = key.split(".", 1)[1]
    return out


def parse_kv(text, sep="="):
    out = {}
    for line in text.splitlines():
        if sep in line:
            key, value = line.split(sep, 1)
            out[key.strip()] = value.strip()
    return out


def test_ruok(zk):
    assert zk.command(b"ruok") == "imok"


def test_isro(zk):
    assert zk.command(b"isro") == "rw"


def test_srvr(zk, root):
    zk.create(root + "/n")
    last = zk.last_zxid
    text = zk.command(b"srvr")
    lines = text.splitlines()
    assert lines[0].startswith("Zookeeper version: ")
    fields = parse_kv("\n".join(lines[1:]), ":")
    assert set(fields) >= {"Latency min/avg/max", "Received", "Sent", "Connections",
                           "Outstanding", "Zxid", "Mode", "Node count"}
    assert re.fullmatch(r"\d+/[\d.]+/\d+", fields["Latency min/avg/max"])
    assert fields["Mode"] in modes()
    assert re.fullmatch(r"0x[0-9a-f]+", fields["Zxid"])
    assert int(fields["Zxid"], 16) >= last
    # The node map counts the root twice ("" and "/"): a tree with N visible nodes
    # reports N + 1; ours holds at least /, /zookeeper (+2) and root's chain.
    assert int(fields["Node count"]) >= 5 + root.count("/")
    assert int(fields["Connections"]) >= 2  # our session and this socket
    assert text.endswith("\n")


def test_srvr_node_count_tracks_creates(zk, root):
    def count():
        return int(parse_kv(zk.command(b"srvr"), ":")["Node count"])
    def check():
        zk.delete(root, recursive=True)
        zk.create(root)
        before = count()
        for i in range(3):
            zk.create("%s/n%d" % (root, i))
        assert count() == before + 3
        zk.delete(root + "/n0")
        assert count() == before + 2

    helpers.settled(check)


def test_stat_lists_clients(zk):
    text = zk.command(b"stat")
    lines = text.splitlines()
    assert lines[0].startswith("Zookeeper version: ")
    assert lines[1] == "Clients:"
    clients = []
    for line in lines[2:]:
        if not line:
            break
        clients.append(line)
    assert len(clients) >= 2
    for line in clients:
        assert re.fullmatch(r" /127\.0\.0\.1:\d+\[\w+\]\(queued=\d+,recved=\d+,sent=\d+\)", line), line
    assert [line for line in lines if line.startswith("Mode: ")] in (["Mode: " + m] for m in modes())


@pytest.mark.skipif(not helpers.is_ensemble(), reason="standalone: no leader")
def test_ensemble_has_one_leader():
    found = {}
    for server in helpers.host_ports():
        fields = parse_kv(helpers.four_letter("srvr", server=server), ":")
        found[server] = fields["Mode"]
    assert sorted(found.values()) == ["follower"] * (len(found) - 1) + ["leader"], found


def test_cons_shows_session(zk):
    session = "sid=0x%x" % zk.client_id[0]
    text = zk.command(b"cons")
    mine = [line for line in text.splitlines() if session + "," in line]
    assert len(mine) == 1, text
    assert re.search(r"to=\d+", mine[0])
    assert re.search(r"lop=[A-Z]+", mine[0])


def test_conf_reflects_config(zk, server_config):
    conf = parse_kv(zk.command(b"conf"))
    _, port = helpers.connected_server(zk)
    assert conf["clientPort"] == str(port)
    assert conf["tickTime"] == server_config["tickTime"]
    assert conf["minSessionTimeout"] == server_config["minSessionTimeout"]
    assert conf["maxSessionTimeout"] == server_config["maxSessionTimeout"]
    assert conf["maxClientCnxns"] == server_config["maxClientCnxns"]
    if not helpers.is_ensemble():
        assert conf["serverId"] == "0"
    elif server_ids(server_config):
        assert conf["serverId"] == server_ids(server_config)[port]
    else:  # --hosts: the server.N lines are not known here
        assert 1 <= int(conf["serverId"]) <= 255


def test_envi_and_server_version(zk):
    text = zk.command(b"envi")
    assert text.splitlines()[0] == "Environment:"
    env = parse_kv(text)
    assert env["zookeeper.version"]
    version = zk.server_version()
    assert all(isinstance(part, int) for part in version)
    # Clients gate features (containers, TTL, multi) on the reported version.
    assert tuple(version[:2]) >= (3, 5), version


def test_mntr(zk, root):
    zk.create(root + "/e", ephemeral=True)
    zk.get(root + "/e", watch=lambda event: None)
    # mntr is longer than the 8 KB kazoo reads with one recv(); read it all raw.
    assert zk.command(b"mntr").startswith("zk_version\t")
    text = helpers.four_letter("mntr", server=helpers.connected_server(zk))
    values = {}
    for line in text.splitlines():
        key, value = line.split("\t", 1)
        values[key] = value
    assert text.splitlines()[0].startswith("zk_version\t")
    assert values["zk_server_state"] in modes()
    for key in ["zk_avg_latency", "zk_max_latency", "zk_min_latency", "zk_packets_received",
                "zk_packets_sent", "zk_num_alive_connections", "zk_outstanding_requests",
                "zk_znode_count", "zk_watch_count", "zk_ephemerals_count",
                "zk_approximate_data_size"]:
        assert key in values, key
        float(values[key])
    assert int(values["zk_ephemerals_count"]) >= 1
    assert int(values["zk_watch_count"]) >= 1
    assert int(values["zk_num_alive_connections"]) >= 1


def test_wchs_wchc_wchp(zk, root):
    zk.create(root + "/w")
    zk.get(root + "/w", watch=lambda event: None)
    session = "0x%x" % zk.client_id[0]
    wchs = zk.command(b"wchs")
    assert re.match(r"\d+ connections watching \d+ paths\nTotal watches:\d+\n", wchs), wchs
    wchc = zk.command(b"wchc").splitlines()
    assert session in wchc
    after = wchc[wchc.index(session) + 1:]
    assert "\t" + root + "/w" in after
    wchp = zk.command(b"wchp").splitlines()
    assert root + "/w" in wchp
    assert wchp[wchp.index(root + "/w") + 1] == "\t" + session


DATE = r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}"


def expiry_sets(kind, lines):
    """Reads ZooKeeper's ExpiryQueue dump off the front of lines: `<kind> Sets (B)/(N):`,
    then B buckets of `n expire at DATE:` and n tab-indented members (ZooKeeper also lists
    buckets emptied since, with n = 0). Returns the members."""
    header = re.fullmatch(r"%s Sets \((\d+)\)/\((\d+)\):" % kind, lines.pop(0))
    assert header, kind
    members = []
    for _ in range(int(header.group(1))):
        bucket = re.fullmatch(r"(\d+) expire at %s:" % DATE, lines.pop(0))
        assert bucket, lines
        for _ in range(int(bucket.group(1))):
            members.append(lines.pop(0))
    assert all(member.startswith("\t") for member in members), members
    assert len(members) == int(header.group(2))
    return [member[1:] for member in members]


def test_dump(zk, root):
    """dump: the sessions (a leader or standalone server lists them by expiry, a follower
    with their timeouts), the ephemerals by session, and the connections by expiry."""
    zk.create(root + "/e2", ephemeral=True)
    zk.create(root + "/e1", ephemeral=True)
    session = "0x%x" % zk.client_id[0]
    server = helpers.connected_server(zk)
    mode = parse_kv(helpers.four_letter("srvr", server=server), ":")["Mode"]
    lines = helpers.four_letter("dump", server=server).split("\n")
    assert lines.pop(0) == "SessionTracker dump:"
    if mode == "follower":
        header = re.fullmatch(r"Global Sessions\((\d+)\):", lines.pop(0))
        rows = [lines.pop(0) for _ in range(int(header.group(1)))]
        assert all(re.fullmatch(r"0x[0-9a-f]+\t\d+ms", row) for row in rows), rows
        assert session + "\t10000ms" in rows  # kazoo asks for 10 s, within 1-30 s
    else:
        assert session in expiry_sets("Session", lines)
    assert lines.pop(0) == "ephemeral nodes dump:"
    owners = int(re.fullmatch(r"Sessions with Ephemerals \((\d+)\):", lines.pop(0)).group(1))
    ephemerals = {}
    for _ in range(owners):
        owner = re.fullmatch(r"(0x[0-9a-f]+):", lines.pop(0)).group(1)
        ephemerals[owner] = set()
        while lines[0].startswith("\t"):
            ephemerals[owner].add(lines.pop(0)[1:])
    assert {root + "/e1", root + "/e2"} <= ephemerals[session]
    assert lines.pop(0) == "Connections dump:"
    connections = expiry_sets("Connections", lines)
    pattern = r"ip: /127\.0\.0\.1:\d+ sessionId: (0x[0-9a-f]+)"
    assert all(re.fullmatch(pattern, line) for line in connections), connections
    sessions = [re.fullmatch(pattern, line).group(1) for line in connections]
    assert session in sessions and "0x0" in sessions  # dump's own connection has none
    assert lines == [""]


@pytest.mark.skipif(not helpers.is_ensemble(), reason="standalone: no leader or followers")
def test_dump_on_each_server(zk):
    """Only the leader expires sessions: its dump lists them by expiry; each follower's
    lists every session with its timeout, once it has applied the session's creation."""
    session = "0x%x" % zk.client_id[0]
    for server in helpers.host_ports():
        mode = parse_kv(helpers.four_letter("srvr", server=server), ":")["Mode"]

        def tracker():
            lines = helpers.four_letter("dump", server=server).split("\n")
            assert lines.pop(0) == "SessionTracker dump:"
            if mode == "leader":
                return session in expiry_sets("Session", lines)
            header = re.fullmatch(r"Global Sessions\((\d+)\):", lines[0])
            assert header, lines
            return session + "\t10000ms" in lines[1:int(header.group(1)) + 1]

        helpers.wait_until(tracker, timeout=10, what="%s in %s's dump (%s)" % (session, server, mode))


def test_dirs_srst_crst(zk):
    assert re.fullmatch(r"datadir_size: \d+\nlogdir_size: \d+\n", zk.command(b"dirs"))
    assert zk.command(b"srst") == "Server stats reset.\n"
    assert zk.command(b"crst") == "Connection stats reset.\n"


def test_unknown_word_closes_without_output():
    # Anything else in the first four bytes is read as a (huge) frame length.
    assert helpers.four_letter("abcd") == ""


@pytest.mark.parametrize("word", ["ruok", "srvr", "stat", "conf", "envi", "mntr", "cons", "wchs", "dump"])
def test_words_answer_on_raw_socket(word):
    assert helpers.four_letter(word) != ""
