import CorralTLS
import KeeperProtocol
import NIOCore
import NIOPosix

/// `corral bench keeper`: a load generator that speaks the ZooKeeper protocol, so it runs
/// against Apache ZooKeeper as well as Keeper.
///
/// Each client is one connection and one session, keeps `inflight` requests in flight and
/// works under its own subtree, `/corral-bench-<run id>/c<i>`. Setup creates the subtrees
/// and (for set, get and mixed) a working set of znodes per client; the timed phase runs for
/// `duration` seconds; cleanup deletes everything setup and the timed phase made, pipelined.
/// Latencies go into one histogram per client and request kind, merged at the end.
public enum KeeperBench {
    public static func run(
        _ options: BenchOptions, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> BenchReport {
        try options.validate()
        let threads = options.threads > 0 ? options.threads : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let report = try await run(options, group: group, progress: progress)
            try? await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func run(
        _ options: BenchOptions, group: EventLoopGroup, progress: @escaping @Sendable (String) -> Void
    ) async throws -> BenchReport {
        let clients = try await connect(options, group: group)
        var report = BenchReport(options: options)
        let root = "/corral-bench-\(runID())"
        report.root = root
        do {
            try await runPhases(options, clients: clients, root: root, report: &report, progress: progress)
        } catch {
            await closeAll(clients)
            throw error
        }
        await closeAll(clients)
        return report
    }

    private static func runPhases(
        _ options: BenchOptions, clients: [BenchConnection], root: String, report: inout BenchReport,
        progress: @escaping @Sendable (String) -> Void
    ) async throws {
        let data = payload(size: options.size)
        let bulk = max(options.bulkInflight, options.inflight)
        let setupStart = NIODeadline.now()
        let rootResult = try await clients[0].run(
            .finite(FiniteRequests(kind: .create, count: 1, path: { _ in root })), limit: 1
        ).get()
        guard rootResult.errorCount == 0 else {
            throw BenchError.setupFailed("create \(root): \(describe(rootResult.errors))")
        }
        let workingSet = options.op.needsWorkingSet ? options.workingSet : 0
        let setup = try await everyClient(clients) { index, client in
            let base = "\(root)/c\(index)"
            let requests = FiniteRequests(kind: .create, count: 1 + workingSet, data: data) { i in
                i == 0 ? base : TimedRequests.workingSetPath(base: base, index: i - 1)
            }
            return client.run(.finite(requests), limit: bulk)
        }
        report.setupSeconds = seconds(since: setupStart)
        report.setupZnodes = 1 + setup.completed
        if setup.errorCount > 0 {
            report.cleanup = await cleanup(clients, root: root, workingSet: workingSet, creates: [], limit: bulk)
            throw BenchError.setupFailed("\(setup.errorCount) errors: \(describe(setup.errors))")
        }

        let timed = try await timedPhase(options, clients: clients, root: root, data: data, progress: progress)
        report.record(timed: timed.result, completedInWindow: timed.completedInWindow, elapsed: timed.elapsed)
        report.server = timed.server
        report.cleanup = await cleanup(
            clients, root: root, workingSet: workingSet, creates: timed.createsIssued, limit: bulk)
    }

    /// Loads `count` persistent znodes of `size` bytes under `root` (created here, with one
    /// subtree per client): `root/c<i>/n<j>`, pipelined, and leaves them there. Returns the
    /// seconds it took.
    public static func populate(
        servers: [ServerAddress], root: String, count: Int, size: Int, clients: Int = 8, inflight: Int = 64,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Double {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        defer { group.shutdownGracefully { _ in } }
        var options = BenchOptions(servers: servers, op: .create)
        options.clients = clients
        let connections = try await connect(options, group: group)
        do {
            let start = NIODeadline.now()
            let data = payload(size: size)
            let rootResult = try await connections[0].run(
                .finite(FiniteRequests(kind: .create, count: 1, path: { _ in root })), limit: 1
            ).get()
            guard rootResult.errorCount == 0 else {
                throw BenchError.setupFailed("create \(root): \(describe(rootResult.errors))")
            }
            let futures = connections.enumerated().map { index, client in
                let share = count / clients + (index < count % clients ? 1 : 0)
                let base = "\(root)/c\(index)"
                let requests = FiniteRequests(kind: .create, count: 1 + share, data: data) { i in
                    i == 0 ? base : TimedRequests.createdPath(base: base, index: i - 1)
                }
                return client.run(.finite(requests), limit: inflight)
            }
            let counters = connections.map(\.counters)
            let total = count + clients + 1
            let reporter = Task {
                while true {
                    try await Task.sleep(nanoseconds: 5_000_000_000)
                    let done = counters.reduce(0) { $0 + $1.completed.load(ordering: .relaxed) }
                    progress("[\(format(seconds(since: start), 0))s] \(done) of \(total) znodes")
                }
            }
            defer { reporter.cancel() }
            var merged = PhaseResult()
            for future in futures { merged.merge(try await future.get()) }
            guard merged.errorCount == 0 else {
                throw BenchError.setupFailed("\(merged.errorCount) creates failed: \(describe(merged.errors))")
            }
            let elapsed = seconds(since: start)
            await closeAll(connections)
            return elapsed
        } catch {
            await closeAll(connections)
            throw error
        }
    }

    private struct TimedOutcome {
        var result: PhaseResult
        var completedInWindow: Int
        var elapsed: Double
        var createsIssued: [Int]
        var server: ServerUsage?
    }

    private static func timedPhase(
        _ options: BenchOptions, clients: [BenchConnection], root: String, data: [UInt8],
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> TimedOutcome {
        var watch = try watchedPid(options).map { ServerWatch(pid: $0) }
        let start = NIODeadline.now()
        var futures: [EventLoopFuture<PhaseResult>] = []
        for (index, client) in clients.enumerated() {
            let base = "\(root)/c\(index)"
            let workingSet =
                options.op.needsWorkingSet
                ? (0..<options.workingSet).map { TimedRequests.workingSetPath(base: base, index: $0) } : []
            let source = TimedRequests(
                op: options.op, readPercent: options.readPercent, base: base, workingSet: workingSet, data: data,
                seed: options.seed &+ UInt64(index))
            futures.append(client.run(.timed(source), limit: options.inflight))
        }
        // The counters also hold setup's replies; progress shows the timed phase alone.
        let baseline = clients.reduce(0) { $0 + $1.counters.completed.load(ordering: .relaxed) }
        let errorBaseline = clients.reduce(0) { $0 + $1.counters.errors.load(ordering: .relaxed) }
        var lastCompleted = baseline
        var lastTick = start
        let end = start + .nanoseconds(Int64(options.duration * 1e9))
        while NIODeadline.now() < end {
            let remaining = end - NIODeadline.now()
            try await Task.sleep(nanoseconds: UInt64(max(0, min(remaining.nanoseconds, 1_000_000_000))))
            let now = NIODeadline.now()
            watch?.sample()
            guard options.progress, now - lastTick >= .milliseconds(500) else { continue }
            let completed = clients.reduce(0) { $0 + $1.counters.completed.load(ordering: .relaxed) }
            let errors = clients.reduce(0) { $0 + $1.counters.errors.load(ordering: .relaxed) }
            let rate = Double(completed - lastCompleted) / Double((now - lastTick).nanoseconds) * 1e9
            progress(
                progressLine(
                    elapsed: seconds(from: start, to: now), rate: rate, total: completed - baseline,
                    errors: errors - errorBaseline))
            lastCompleted = completed
            lastTick = now
        }
        var completedInWindow = 0
        for client in clients { completedInWindow += try await client.stopIssuing() }
        let elapsed = seconds(since: start)
        watch?.sample()
        let server = watch?.usage(operations: completedInWindow)
        var merged = PhaseResult()
        var createsIssued: [Int] = []
        for future in futures {
            let result = try await future.get()
            createsIssued.append(result.createsIssued)
            merged.merge(result)
        }
        return TimedOutcome(
            result: merged, completedInWindow: completedInWindow, elapsed: elapsed, createsIssued: createsIssued,
            server: server)
    }

    /// The server process whose CPU and RSS the report gives: the one pid given, or of one
    /// per server, the leader's, looked up now: an ensemble's leader may have changed since
    /// it started.
    private static func watchedPid(_ options: BenchOptions) throws(BenchError) -> Int32? {
        guard options.serverPids.count > 1 else { return options.serverPids.first }
        for (server, pid) in zip(options.servers, options.serverPids) {
            let reply = FourLetterWord.ask("srvr", host: server.host, port: server.port, timeout: 2)
            if let reply, FourLetterWord.field("Mode", in: reply) == "leader" { return pid }
        }
        throw .serverFailed("none of \(options.servers.map(\.description).joined(separator: ",")) says it leads (srvr)")
    }

    /// Deletes, per client, the znodes of the timed phase, the working set and the subtree;
    /// then the root. Every client deletes its own, pipelined.
    private static func cleanup(
        _ clients: [BenchConnection], root: String, workingSet: Int, creates: [Int], limit: Int
    ) async -> CleanupReport {
        let start = NIODeadline.now()
        var report = CleanupReport()
        let result = try? await everyClient(clients) { index, client in
            let base = "\(root)/c\(index)"
            let created = index < creates.count ? creates[index] : 0
            let requests = FiniteRequests(kind: .delete, count: created + workingSet + 1) { i in
                if i < created { return TimedRequests.createdPath(base: base, index: i) }
                if i < created + workingSet { return TimedRequests.workingSetPath(base: base, index: i - created) }
                return base
            }
            return client.run(.finite(requests), limit: limit)
        }
        let rootResult = try? await clients[0].run(
            .finite(FiniteRequests(kind: .delete, count: 1, path: { _ in root })), limit: 1
        ).get()
        report.seconds = seconds(since: start)
        guard let result, let rootResult else {
            report.complete = false
            return report
        }
        var all = result
        all.merge(rootResult)
        // A create of the timed phase that failed left nothing to delete.
        let noNode = all.errors[ErrorCode.noNode.rawValue] ?? 0
        report.deleted = all.completed - all.errorCount
        report.errors = all.errorCount - noNode
        report.complete = report.errors == 0
        return report
    }

    /// Runs one phase on every client at once and merges the results.
    private static func everyClient(
        _ clients: [BenchConnection], _ start: (Int, BenchConnection) -> EventLoopFuture<PhaseResult>
    ) async throws -> PhaseResult {
        let futures = clients.enumerated().map { start($0.offset, $0.element) }
        var merged = PhaseResult()
        for future in futures { merged.merge(try await future.get()) }
        return merged
    }

    private static func connect(_ options: BenchOptions, group: EventLoopGroup) async throws -> [BenchConnection] {
        let tls = try options.tls.map { try TLSContextFactory.client($0) }
        return try await withThrowingTaskGroup(of: (Int, BenchConnection).self) { tasks in
            for index in 0..<options.clients {
                let server = options.servers[index % options.servers.count]
                tasks.addTask {
                    let connection = try await BenchConnection.open(
                        to: server, group: group, sessionTimeout: options.sessionTimeout,
                        connectTimeout: options.connectTimeout, tls: tls)
                    return (index, connection)
                }
            }
            var connections: [BenchConnection?] = Array(repeating: nil, count: options.clients)
            do {
                for try await (index, connection) in tasks { connections[index] = connection }
            } catch {
                await closeAll(connections.compactMap { $0 })
                throw error
            }
            return connections.map { $0! }
        }
    }

    private static func closeAll(_ clients: [BenchConnection]) async {
        await withTaskGroup(of: Void.self) { tasks in
            for client in clients { tasks.addTask { await client.close() } }
        }
    }

    static func payload(size: Int) -> [UInt8] {
        (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    }

    static func runID() -> String {
        var random = SystemRandomNumberGenerator()
        let value = random.next() & 0xffff_ffff_ffff
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }

    static func describe(_ errors: [Int32: Int]) -> String {
        errors.sorted { $0.key < $1.key }
            .map { "\(ErrorCode(rawValue: $0.key).message) (\($0.key)) x\($0.value)" }
            .joined(separator: ", ")
    }

    static func progressLine(elapsed: Double, rate: Double, total: Int, errors: Int) -> String {
        "[\(format(elapsed, 1))s] \(Int(rate.rounded())) ops/s, \(total) ops, \(errors) errors"
    }

    static func seconds(since start: NIODeadline) -> Double { seconds(from: start, to: .now()) }

    static func seconds(from start: NIODeadline, to end: NIODeadline) -> Double {
        Double((end - start).nanoseconds) / 1e9
    }
}

/// Samples a server process's CPU time and RSS while the timed phase runs.
struct ServerWatch {
    let pid: Int32
    let cpuStart: Double?
    var rssMaxKiB = 0

    init(pid: Int32) {
        self.pid = pid
        cpuStart = ProcessProbe.cpuSeconds(pid: pid)
        sample()
    }

    mutating func sample() {
        if let rss = ProcessProbe.rssKiB(pid: pid) { rssMaxKiB = max(rssMaxKiB, rss) }
    }

    func usage(operations: Int) -> ServerUsage? {
        guard let cpuStart, let cpuEnd = ProcessProbe.cpuSeconds(pid: pid) else { return nil }
        let cpu = cpuEnd - cpuStart
        return ServerUsage(
            pid: pid, cpuSeconds: cpu, cpuSecondsPer100kOps: operations > 0 ? cpu / Double(operations) * 100_000 : 0,
            rssMaxKiB: rssMaxKiB, rssPeakKiB: ProcessProbe.statusKiB(pid: pid, field: "VmHWM") ?? 0)
    }
}
