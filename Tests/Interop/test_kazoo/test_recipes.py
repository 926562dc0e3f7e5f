"""kazoo's recipes with several clients (each its own session) at once. Every wait is
bounded; the invariants are checked both in the process and through znodes."""
import collections
import threading
import time

import pytest
from kazoo.exceptions import BadVersionError
from kazoo.recipe.barrier import Barrier, DoubleBarrier
from kazoo.recipe.counter import Counter
from kazoo.recipe.election import Election
from kazoo.recipe.lock import Lock, Semaphore
from kazoo.recipe.party import Party
from kazoo.recipe.queue import LockingQueue, Queue

from interop import helpers

JOIN_TIMEOUT = 60


class Workers:
    """Threads whose exceptions fail the test and whose joins are bounded."""

    def __init__(self):
        self.threads = []
        self.errors = []

    def start(self, target, *args):
        def run():
            try:
                target(*args)
            except BaseException as exc:  # noqa: B902 - reported to the test
                self.errors.append(exc)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self, timeout=JOIN_TIMEOUT):
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t for t in self.threads if t.is_alive()]
        assert not alive, "%d worker(s) still running after %ss" % (len(alive), timeout)
        if self.errors:
            raise self.errors[0]


def test_lock_mutual_exclusion(make_client, root):
    clients = [make_client() for _ in range(5)]
    rounds = 4
    counter_path = root + "/counter"
    clients[0].create(counter_path, b"0")
    holders = []
    max_holders = [0]
    guard = threading.Lock()

    def contend(index, client):
        lock = Lock(client, root + "/lock", identifier="worker-%d" % index)
        for _ in range(rounds):
            assert lock.acquire(timeout=30), "worker %d did not get the lock" % index
            try:
                with guard:
                    holders.append(index)
                    max_holders[0] = max(max_holders[0], len(holders))
                # A read-modify-write that loses updates unless the lock holds.
                data, stat = client.get(counter_path)
                time.sleep(0.01)
                client.set(counter_path, str(int(data) + 1).encode(), version=stat.version)
                with guard:
                    holders.remove(index)
            finally:
                lock.release()

    workers = Workers()
    for i, client in enumerate(clients):
        workers.start(contend, i, client)
    workers.join()
    assert max_holders[0] == 1
    helpers.catch_up(clients[0], root)
    assert clients[0].get(counter_path)[0] == str(len(clients) * rounds).encode()
    assert clients[0].get_children(root + "/lock") == []


def test_lock_contenders_and_release_on_session_end(make_client, root):
    holder = make_client()
    waiter = make_client()
    lock_a = Lock(holder, root + "/lock", identifier="holder")
    lock_b = Lock(waiter, root + "/lock", identifier="waiter")
    assert lock_a.acquire(timeout=10)
    assert not lock_b.acquire(blocking=False)
    assert lock_b.contenders() == ["holder"]
    got = threading.Event()
    workers = Workers()
    workers.start(lambda: lock_b.acquire(timeout=30) and got.set())
    helpers.wait_until(lambda: len(lock_a.contenders()) == 2, what="two contenders")
    assert lock_a.contenders() == ["holder", "waiter"]
    holder.stop()  # the holder's ephemeral lock node goes with its session
    assert got.wait(15), "the waiter did not get the lock after the holder's session ended"
    workers.join()
    lock_b.release()


def test_election_one_leader_at_a_time(make_client, root):
    clients = [make_client() for _ in range(4)]
    leaders = []
    current = []
    guard = threading.Lock()
    release = {i: threading.Event() for i in range(len(clients))}
    violations = []

    def lead(index):
        with guard:
            current.append(index)
            if len(current) > 1:
                violations.append(list(current))
            leaders.append(index)
        release[index].wait(30)
        with guard:
            current.remove(index)

    elections = [Election(c, root + "/election", identifier="c%d" % i) for i, c in enumerate(clients)]
    workers = Workers()
    for i, election in enumerate(elections):
        workers.start(election.run, lead, i)
    helpers.wait_until(lambda: len(elections[0].contenders()) == len(clients), what="all contenders")
    join_order = elections[0].contenders()
    for n in range(1, len(clients) + 1):
        helpers.wait_until(lambda: len(leaders) == n, timeout=15, what="leader #%d" % n)
        time.sleep(0.1)
        with guard:
            assert current == [leaders[-1]]
        release[leaders[-1]].set()
    workers.join()
    assert not violations
    assert sorted(leaders) == list(range(len(clients)))
    # Leadership passes in the order the contenders joined (sequence numbers).
    assert ["c%d" % i for i in leaders] == join_order


def test_election_leader_session_loss_passes_leadership(make_client, root):
    a = make_client()
    b = make_client()
    led = []
    stop_b = threading.Event()
    ea = Election(a, root + "/election", identifier="a")
    eb = Election(b, root + "/election", identifier="b")
    workers = Workers()
    workers.start(ea.run, lambda: (led.append("a"), time.sleep(60)))
    helpers.wait_until(lambda: led == ["a"], what="a to lead")

    def run_b():
        eb.run(lambda: (led.append("b"), stop_b.wait(30)))

    workers.start(run_b)
    helpers.wait_until(lambda: eb.contenders() == ["a", "b"], what="b to contend")
    assert led == ["a"]
    a.stop()  # a's session ends: its election node goes, b takes over
    helpers.wait_until(lambda: led == ["a", "b"], timeout=15, what="b to lead")
    stop_b.set()
    helpers.wait_until(lambda: not workers.threads[1].is_alive(), timeout=15, what="b to finish")


def test_counter_concurrent_increments(make_client, root):
    clients = [make_client() for _ in range(4)]
    per_client = 25

    def bump(client):
        counter = Counter(client, root + "/counter")
        for _ in range(per_client):
            counter += 1

    workers = Workers()
    for client in clients:
        workers.start(bump, client)
    workers.join()
    helpers.catch_up(clients[0], root)
    assert Counter(clients[0], root + "/counter").value == len(clients) * per_client


def test_counter_decrement_and_float(zk, root):
    counter = Counter(zk, root + "/c")
    counter += 5
    counter -= 2
    assert counter.value == 3
    fcounter = Counter(zk, root + "/f", default=0.0)
    fcounter += 1.5
    assert fcounter.value == 1.5


def test_barrier_blocks_until_removed(make_client, root):
    owner = make_client()
    barrier = Barrier(owner, root + "/barrier")
    barrier.create()
    passed = []

    def wait(i, client):
        helpers.catch_up(client, root)  # else its server may not have the barrier yet
        passed.append(Barrier(client, root + "/barrier").wait(30) and i)

    workers = Workers()
    for i in range(3):
        workers.start(wait, i, make_client())
    time.sleep(0.5)
    assert passed == []
    barrier.remove()
    workers.join()
    assert sorted(passed) == [0, 1, 2]


def test_barrier_wait_times_out(zk, root):
    barrier = Barrier(zk, root + "/barrier")
    barrier.create()
    start = time.monotonic()
    assert barrier.wait(0.5) is False
    assert time.monotonic() - start >= 0.4


def test_double_barrier(make_client, root):
    n = 3
    entered = []
    left = []
    guard = threading.Lock()

    def participate(index, client):
        barrier = DoubleBarrier(client, root + "/double", n, identifier="p%d" % index)
        time.sleep(0.2 * index)  # arrive one after another
        barrier.enter()
        with guard:
            entered.append((index, time.monotonic()))
        time.sleep(0.1 * (n - index))
        barrier.leave()
        with guard:
            left.append((index, time.monotonic()))

    workers = Workers()
    for i in range(n):
        workers.start(participate, i, make_client())
    workers.join()
    assert sorted(i for i, _ in entered) == list(range(n))
    assert sorted(i for i, _ in left) == list(range(n))
    # Nobody got in before the last one arrived, nobody left before the last one left.
    assert min(t for _, t in left) >= max(t for _, t in entered)


def _produce_consume(make_client, queue_type, root, producers=3, consumers=3, items_each=20):
    path = root + "/queue"
    total = producers * items_each
    consumed = collections.Counter()
    guard = threading.Lock()
    done = threading.Event()

    def produce(p, client):
        queue = queue_type(client, path)
        for j in range(items_each):
            queue.put(("p%d-%d" % (p, j)).encode())

    def consume(client):
        queue = queue_type(client, path)
        deadline = time.monotonic() + 45
        while not done.is_set() and time.monotonic() < deadline:
            if queue_type is LockingQueue:
                item = queue.get(timeout=0.5)
                if item is not None:
                    assert queue.consume()
            else:
                item = queue.get()
                if item is None:
                    time.sleep(0.02)
            if item is not None:
                with guard:
                    consumed[item.decode()] += 1
                    if sum(consumed.values()) >= total:
                        done.set()

    workers = Workers()
    for c in range(consumers):
        workers.start(consume, make_client())
    for p in range(producers):
        workers.start(produce, p, make_client())
    workers.join()
    expected = {"p%d-%d" % (p, j) for p in range(producers) for j in range(items_each)}
    assert set(consumed) == expected
    duplicates = {item: n for item, n in consumed.items() if n != 1}
    assert not duplicates, "items consumed more than once: %r" % duplicates
    return path


def test_queue_many_producers_and_consumers(make_client, root):
    path = _produce_consume(make_client, Queue, root)
    checker = make_client()
    helpers.catch_up(checker, root)
    assert len(Queue(checker, path)) == 0


def test_locking_queue_many_producers_and_consumers(make_client, root):
    path = _produce_consume(make_client, LockingQueue, root)
    checker = make_client()
    helpers.catch_up(checker, root)
    assert len(LockingQueue(checker, path)) == 0


def test_queue_is_fifo_per_priority(zk, root):
    queue = Queue(zk, root + "/q")
    for item in [b"a", b"b", b"c"]:
        queue.put(item)
    queue.put(b"urgent", priority=10)
    assert [queue.get() for _ in range(5)] == [b"urgent", b"a", b"b", b"c", None]


def test_locking_queue_item_returns_when_holder_dies(make_client, root):
    first = make_client()
    second = make_client()
    q1 = LockingQueue(first, root + "/lq")
    q1.put(b"job")
    assert q1.get(timeout=5) == b"job"
    q2 = LockingQueue(second, root + "/lq")
    assert q2.get(timeout=0.5) is None  # locked by the first consumer
    first.stop()  # its lock (ephemeral) goes; the item is available again
    assert q2.get(timeout=15) == b"job"
    assert q2.consume()
    assert len(q2) == 0


def test_semaphore_limits_holders(make_client, root):
    max_leases = 2
    holders = []
    peak = [0]
    guard = threading.Lock()

    def hold(index, client):
        sem = Semaphore(client, root + "/sem", identifier="s%d" % index, max_leases=max_leases)
        for _ in range(2):
            assert sem.acquire(timeout=30)
            try:
                with guard:
                    holders.append(index)
                    peak[0] = max(peak[0], len(holders))
                time.sleep(0.05)
                with guard:
                    holders.remove(index)
            finally:
                sem.release()

    workers = Workers()
    for i in range(5):
        workers.start(hold, i, make_client())
    workers.join()
    assert peak[0] == max_leases


def test_party_membership(make_client, root):
    members = [make_client() for _ in range(3)]
    parties = [Party(c, root + "/party", "m%d" % i) for i, c in enumerate(members)]
    for party in parties:
        party.join()
    helpers.catch_up(members[0], root)
    assert sorted(parties[0]) == ["m0", "m1", "m2"]
    members[1].stop()
    helpers.wait_until(lambda: sorted(parties[0]) == ["m0", "m2"], what="m1 to leave with its session")
    parties[2].leave()
    helpers.catch_up(members[0], root)
    assert sorted(parties[0]) == ["m0"]


def test_versioned_set_detects_concurrent_writer(make_client, root):
    a = make_client()
    b = make_client()
    a.create(root + "/n", b"0")
    _, stat = a.get(root + "/n")
    b.set(root + "/n", b"b-wins")
    with pytest.raises(BadVersionError):
        a.set(root + "/n", b"a-loses", version=stat.version)
