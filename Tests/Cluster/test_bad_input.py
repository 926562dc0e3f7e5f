"""Bad input on the master's scheduler API: each request answers quickly with the right
status and a message, and the master keeps serving everybody else."""
import json
import os
import socket
import time

import pytest

from cluster import figure, http_get, http_post, request, rss_kib, wait_until
from rawhttp import exchange, read_response, request_head, send_large
from schedulers import new_id

API = "/api/v1/scheduler"
QUICK = 5.0  # seconds a refusal may take

# How much the master's RSS may grow while a subscriber does not read (KiB).
# The master cuts a subscriber off once 4 MiB of events wait for it (EventOutbox); with
# what malloc keeps of the encoded events, its RSS grew about 10 MiB in the flood below
# (2026-12-03), against 23 MiB for 19 MB of events when nothing was bounded.
RSS_BUDGET_KIB = int(os.environ.get("CLUSTER_RSS_BUDGET_KIB", str(16 * 1024)))
# The flood below grew the master by 3.0-16.5 MB over seven fresh runs (allocator arenas
# keep what 32 requests of 1,000 updates passed through); left unbounded, the 160 calls
# would queue 37 MB of RecordIO for the subscriber, which the budget still refuses.
FLOOD_RSS_BUDGET_KIB = int(os.environ.get("CLUSTER_FLOOD_RSS_BUDGET_KIB", str(24 * 1024)))


def subscribe_body(name, failover_timeout=0.0):
    return {"type": "SUBSCRIBE", "subscribe": {"framework_info": {
        "user": "root", "name": name, "failover_timeout": failover_timeout}}}


def timed(fn, *args, **kw):
    t0 = time.monotonic()
    r = fn(*args, **kw)
    return r, time.monotonic() - t0


def assert_serving(cluster, within=QUICK):
    r, took = timed(http_get, cluster.leader.port, "/master/state", timeout=within)
    assert r.status == 200 and took < within, (r, took)
    return took


def assert_refused(r, took, status, *, mentions=None):
    print("-> %d in %.3fs: %r" % (r.status, took, r.body[:200]))
    if isinstance(status, int):
        status = (status,)
    assert r.status in status, r
    assert took < QUICK, took
    assert r.body.strip(), "a refusal must say why: %r" % r
    if mentions:
        assert mentions.encode() in r.body, r


def test_get_is_405(cluster):
    r, took = timed(http_get, cluster.leader.port, API)
    assert_refused(r, took, 405)
    assert_serving(cluster)


def test_text_plain_is_415(cluster):
    r, took = timed(request, "POST", cluster.leader.port, API,
                    body=json.dumps(subscribe_body("x")).encode(),
                    headers={"Content-Type": "text/plain"})
    assert_refused(r, took, 415)
    assert_serving(cluster)


def test_malformed_json_is_400(cluster):
    r, took = timed(request, "POST", cluster.leader.port, API, body=b'{"type": "SUBSCRIBE", ',
                    headers={"Content-Type": "application/json"})
    assert_refused(r, took, 400)
    assert_serving(cluster)


def test_unknown_call_type_is_400(cluster):
    r, took = timed(http_post, cluster.leader.port, API, {"type": "SUBSCRIBE_ME"})
    assert_refused(r, took, 400, mentions="SUBSCRIBE_ME")
    assert_serving(cluster)


def test_nine_mib_body_is_413(cluster):
    size = 9 * 1024 * 1024
    head = request_head("POST", API, {"Content-Type": "application/json",
                                      "Content-Length": str(size)})
    t0 = time.monotonic()
    status, headers, body, sent = send_large(cluster.leader.port, head, size)
    took = time.monotonic() - t0
    print("9 MiB body: %d after %d bytes sent, %.2fs: %r" % (status, sent, took, body[:200]))
    assert status == 413, (status, headers, body)
    assert took < QUICK + 5
    assert_serving(cluster)


def test_call_without_stream_id_is_refused(cluster):
    body = {"type": "DECLINE", "framework_id": {"value": "no-such-framework"},
            "decline": {"offer_ids": [{"value": "no-such-offer"}]}}
    r, took = timed(http_post, cluster.leader.port, API, body)
    assert_refused(r, took, (400, 403))
    assert_serving(cluster)


def test_half_requests_do_not_block_others(cluster):
    port = cluster.leader.port
    socks = []
    try:
        for i in range(50):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:
                s.sendall(b"GET /master/state HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: appl")
            else:
                s.sendall(b"POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"type\":")
            socks.append(s)
        tooks = [assert_serving(cluster) for _ in range(5)]
        print("GET /master/state with 50 half requests open: %s s" % ["%.3f" % t for t in tooks])
        # And a whole scheduler call still gets its answer.
        r, took = timed(http_post, port, API, {"type": "SUBSCRIBE_ME"})
        assert r.status == 400 and took < QUICK
    finally:
        for s in socks:
            s.close()
    assert_serving(cluster)


def framework_by_name(cluster, name):
    lists = http_get(cluster.leader.port, "/master/frameworks").json()
    for f in lists["frameworks"]:
        if f["name"] == name:
            return f
    return None


def teardown_framework(cluster, framework_id):
    r = http_post(cluster.leader.port, "/api/v1",
                  {"type": "TEARDOWN", "teardown": {"framework_id": {"value": framework_id}}})
    assert r.status in (200, 202), r

    def gone():
        return all(f["id"] != framework_id for f in
                   http_get(cluster.leader.port, "/master/frameworks").json()["frameworks"])
    wait_until(gone, 10, "framework %s torn down" % framework_id)


def open_subscriber(port, name, rcvbuf=4096):
    """A SUBSCRIBE on a raw socket with a small receive buffer; nothing is read."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    body = json.dumps(subscribe_body(name)).encode()
    s.sendall(request_head("POST", API, {
        "Content-Type": "application/json", "Accept": "application/json",
        "Connection": "close", "Content-Length": str(len(body))}, body))
    return s


def test_subscriber_that_never_reads(cluster):
    """Never recv() for 10 s while the cluster runs tasks: the master's RSS stays put and
    everyone else is served; closing the socket then frees the framework's offers."""
    master_pid = cluster.leader.daemon.pid
    name = new_id("e2e-never-reads")
    before = rss_kib(master_pid)
    s = open_subscriber(cluster.leader.port, name)
    try:
        fw = wait_until(lambda: framework_by_name(cluster, name), 10, "the silent framework registered")
        t_end = time.monotonic() + 10
        served = []
        while time.monotonic() < t_end:
            served.append(assert_serving(cluster))
            time.sleep(0.5)
        after = rss_kib(master_pid)
        figure("never-reading subscriber, 10 s: master RSS %d -> %d KiB (%+d KiB); "
               "GET /master/state meanwhile max %.3fs" % (before, after, after - before, max(served)))
        assert after - before < RSS_BUDGET_KIB, (before, after)
    finally:
        s.close()
    # Mesos notices the closed connection, and with failover_timeout 0 the framework goes.
    try:
        wait_until(lambda: framework_by_name(cluster, name) is None, 15,
                   "the closed subscriber's framework to be removed (failover_timeout 0)")
    finally:
        if framework_by_name(cluster, name):
            teardown_framework(cluster, fw["id"])


def test_flooded_subscriber_that_never_reads(cluster):
    """A subscriber that stops reading after the response head, while its own calls make
    the master send it events (explicit reconciliation of unknown tasks: one UPDATE
    each, ~230 bytes): the master must bound what it buffers for it (drop the
    subscriber or the events) instead
    of growing, and keep serving others. A subscriber that reads the same 19 MB costs
    the master 2-4 MB (measured), so the budget separates the two."""
    port = cluster.leader.port
    master_pid = cluster.leader.daemon.pid
    name = new_id("e2e-flooded")
    s = open_subscriber(port, name, rcvbuf=4096)
    try:
        s.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(1)  # the head only, byte by byte; the body is never read
        status = int(head.split()[1])
        stream_id = [l.split(b":", 1)[1].strip().decode() for l in head.split(b"\r\n")
                     if l.lower().startswith(b"mesos-stream-id:")]
        assert status == 200 and stream_id, head
        fw = wait_until(lambda: framework_by_name(cluster, name), 10, "the framework registered")
        before = rss_kib(master_pid)
        ids = [{"task_id": {"value": "unknown-%05d" % i}} for i in range(1000)]
        call = {"type": "RECONCILE", "framework_id": {"value": fw["id"]}, "reconcile": {"tasks": ids}}
        t0 = time.monotonic()
        codes = []
        for _ in range(160):  # up to 160,000 UPDATE events, ~38 MB of RecordIO
            r = http_post(port, API, call, headers={"Mesos-Stream-Id": stream_id[0]}, timeout=10)
            codes.append(r.status)
            if r.status >= 300:
                break
        took = time.monotonic() - t0
        served = [assert_serving(cluster) for _ in range(3)]
        time.sleep(2)
        after = rss_kib(master_pid)
        figure("flooded never-reading subscriber: %d RECONCILE calls x 1000 unknown tasks (answers %s) "
               "in %.1fs; master RSS %d -> %d KiB (%+d KiB); GET /master/state %s s"
               % (len(codes), sorted(set(codes)), took, before, after, after - before,
                  ["%.3f" % t for t in served]))
        assert set(codes) <= {202, 200} or codes[-1] >= 400, codes
        assert after - before < FLOOD_RSS_BUDGET_KIB, (before, after)
    finally:
        s.close()
        f = framework_by_name(cluster, name)
        if f:
            try:
                wait_until(lambda: framework_by_name(cluster, name) is None, 10, "removal")
            except AssertionError:
                teardown_framework(cluster, f["id"])
