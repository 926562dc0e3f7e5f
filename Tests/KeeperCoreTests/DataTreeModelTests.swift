import CorralSim
import KeeperProtocol
import Testing

@testable import KeeperCore

/// Thousands of random writes through the real pipeline (`Preparer.prepare` → `TxnEntry`
/// bytes → `DataTree.apply`), compared after every applied transaction with `ModelTree`.
/// Prep runs ahead of apply by up to six transactions, so pending changes are exercised; a
/// second, lock-step pipeline (prepare, then apply at once) must produce the very same
/// transactions.
///
/// `CORRAL_SEED=<n>` runs one seed, `CORRAL_STEPS=<n>` sets the number of requests per seed.
@Suite("data tree against a naive model")
struct DataTreeModelTests {
    static let seeds: [UInt64] = {
        if let text = environment("CORRAL_SEED"), let seed = UInt64(text) { return [seed] }
        return [1, 2, 3, 4]
    }()
    static let steps: Int = environment("CORRAL_STEPS").flatMap { Int($0) } ?? 2000

    @Test("random writes, prepared ahead of apply, match the model", arguments: seeds)
    func randomWorkload(seed: UInt64) {
        var run = ModelRun(seed: seed)
        if let failure = run.run(steps: Self.steps) {
            Issue.record(
                """
                \(failure)
                replay: CORRAL_SEED=\(seed) CORRAL_STEPS=\(Self.steps) swift test --filter KeeperCoreTests.DataTreeModelTests
                """)
        }
        #expect(run.applied == Self.steps, "seed \(seed) stopped after \(run.applied) of \(Self.steps) steps")
        // The run must have reached the interesting cases, or it proves little.
        for (what, count) in run.coverage.sorted(by: { $0.key < $1.key }) where count == 0 {
            Issue.record("seed \(seed): no \(what) in \(Self.steps) steps")
        }
    }
}

/// One seeded run: a workload generator, the real pipeline, its lock-step twin and the model.
struct ModelRun {
    enum Operation: CustomStringConvertible {
        case write(Request, session: Int64, ids: [Id])
        case closeSession(Int64)
        case reap(String)

        var description: String {
            switch self {
            case .write(let request, let session, let ids):
                return "\(request) by session \(session) as \(ids.map(\.description))"
            case .closeSession(let session): return "closeSession \(session)"
            case .reap(let path): return "reap \(path)"
            }
        }
    }

    /// A prepared transaction waiting to be applied, with what the model says it must do.
    struct InFlight {
        var step: Int
        var operation: Operation
        var entry: TxnEntry
        var expected: [ModelTree.Result]
        var events: [TreeEvent]
        var modelAfter: ModelTree
    }

    static let sessions: [Int64] = [0x0000_0001_0000_0001, 0x0000_0002_0000_0002, 0x7E00_0000_0000_0003]
    static let names = ["a", "b", "c"]

    var rng: SeededRandom
    let seed: UInt64
    var tree = DataTree()
    var preparer = Preparer(extendedTypesEnabled: true)
    var twinTree = DataTree()
    var twinPreparer = Preparer(extendedTypesEnabled: true)
    var model = ModelTree()
    var zxid: Int64 = 0
    var inFlight: [InFlight] = []
    var applied = 0
    var recent: [String] = []
    var coverage: [String: Int] = [
        "successful create": 0, "sequential create": 0, "ephemeral create": 0, "container create": 0,
        "TTL create": 0, "successful delete": 0, "successful setData": 0, "successful setACL": 0,
        "successful multi": 0, "failed multi": 0, "NOAUTH": 0, "BADVERSION": 0, "NODEEXISTS": 0, "NONODE": 0,
        "NOTEMPTY": 0, "INVALIDACL": 0, "BADARGUMENTS": 0, "NOCHILDRENFOREPHEMERALS": 0, "closed ephemeral": 0,
        "reaped node": 0, "prep ahead of apply": 0,
    ]

    init(seed: UInt64) {
        self.seed = seed
        rng = SeededRandom(seed: seed)
    }

    /// Runs until `steps` transactions are applied; returns a description of the first
    /// divergence, if any.
    mutating func run(steps: Int) -> String? {
        var prepared = 0
        while applied < steps {
            let prepareNext = prepared < steps && (inFlight.isEmpty || (inFlight.count < 6 && rng.percent(45)))
            if prepareNext {
                if let failure = prepare(step: prepared) { return failure }
                prepared += 1
            } else {
                if let failure = applyOldest() { return failure }
            }
        }
        guard preparer.pending.isEmpty else { return "pending changes left after every transaction was applied" }
        return nil
    }

    // MARK: - Pipeline

    private mutating func prepare(step: Int) -> String? {
        let operation = nextOperation()
        zxid += 1
        let time = 1_000_000 + zxid * 10
        let session: Int64
        let txn: Txn
        let twinTxn: Txn
        var events: [TreeEvent] = []
        let expected: [ModelTree.Result]
        switch operation {
        case .write(let request, let writer, let ids):
            session = writer
            txn = preparer.prepare(
                request, in: tree, context: RequestContext(session: session, ids: ids, zxid: zxid, time: time))
            twinTxn = twinPreparer.prepare(
                request, in: twinTree, context: RequestContext(session: session, ids: ids, zxid: zxid, time: time))
            let context = ModelTree.Context(session: session, ids: ids, zxid: zxid, time: time)
            expected = model.apply(request, context, events: &events)
        case .closeSession(let closing):
            session = closing
            txn = preparer.prepareCloseSession(session, in: tree, zxid: zxid)
            twinTxn = twinPreparer.prepareCloseSession(session, in: twinTree, zxid: zxid)
            expected = [model.closeSession(session, zxid: zxid, events: &events)]
        case .reap(let path):
            session = 0
            txn = preparer.prepareReap(path, in: tree, zxid: zxid, time: time)
            twinTxn = twinPreparer.prepareReap(path, in: twinTree, zxid: zxid, time: time)
            expected = [model.reap(path, zxid: zxid, time: time, events: &events)]
        }
        let header = TxnHeader(session: session, cxid: Int32(step), zxid: zxid, time: time, type: txn.type.rawValue)
        let entry = TxnEntry(header: header, txn: txn)
        note("prepare #\(step) zxid \(zxid): \(operation)")

        // The lock-step twin applies at once; prep running ahead must not change the decision.
        guard txn == twinTxn else {
            return failure(step, operation, "prep ahead of apply decided\n  \(txn)\nbut one at a time\n  \(twinTxn)")
        }
        _ = twinTree.apply(TxnEntry(header: header, txn: twinTxn))
        twinPreparer.applied(upTo: zxid)
        if !inFlight.isEmpty { coverage["prep ahead of apply", default: 0] += 1 }

        // What is logged is what is applied.
        do {
            let decoded = try TxnEntry.decode(entry.bytes())
            guard decoded == entry else { return failure(step, operation, "log round trip gave \(decoded)") }
        } catch {
            return failure(step, operation, "log round trip failed: \(error)")
        }
        inFlight.append(
            InFlight(
                step: step, operation: operation, entry: entry, expected: expected, events: events, modelAfter: model))
        return nil
    }

    private mutating func applyOldest() -> String? {
        let next = inFlight.removeFirst()
        let (outcome, events) = tree.apply(next.entry)
        preparer.applied(upTo: next.entry.zxid)
        applied += 1
        note("apply zxid \(next.entry.zxid)")
        if let difference = Self.compare(outcome, next.expected, next.entry.txn) {
            return failure(next.step, next.operation, difference)
        }
        if events != next.events {
            return failure(
                next.step, next.operation,
                "events\n  \(events.map(Self.show))\nexpected\n  \(next.events.map(Self.show))")
        }
        if let difference = Self.compare(tree, next.modelAfter) {
            return failure(next.step, next.operation, difference)
        }
        if let difference = Self.checkSequentialName(next.operation, outcome) {
            return failure(next.step, next.operation, difference)
        }
        if inFlight.isEmpty && !preparer.pending.isEmpty {
            return failure(
                next.step, next.operation, "\(preparer.pending.count) pending changes left with nothing in flight")
        }
        count(next)
        return nil
    }

    private mutating func note(_ line: String) {
        recent.append(line)
        if recent.count > 16 { recent.removeFirst() }
    }

    private func failure(_ step: Int, _ operation: Operation, _ difference: String) -> String {
        """
        seed \(seed), request #\(step) (\(operation)):
        \(difference)
        last events of the run:
          \(recent.joined(separator: "\n  "))
        """
    }

    static func show(_ event: TreeEvent) -> String { "\(event.type) \(event.path)" }

    // MARK: - Comparing

    static func compare(_ outcome: TxnOutcome, _ expected: [ModelTree.Result], _ txn: Txn) -> String? {
        if case .multi = txn {
            guard outcome.error == .ok else { return "multi failed as a whole with \(outcome.error)" }
            guard outcome.results.count == expected.count else {
                return "multi gave \(outcome.results.map(\.error)), expected \(expected.map(\.error))"
            }
            for (index, (result, wanted)) in zip(outcome.results, expected).enumerated() {
                if let difference = compare(result, wanted) { return "multi op \(index): \(difference)" }
            }
            return nil
        }
        guard expected.count == 1 else { return "expected \(expected.map(\.error)) from one transaction \(txn)" }
        return compare(outcome, expected[0])
    }

    private static func compare(_ outcome: TxnOutcome, _ expected: ModelTree.Result) -> String? {
        guard outcome.error == expected.error else { return "error \(outcome.error), expected \(expected.error)" }
        if let path = expected.createdPath {
            guard outcome.path == path else { return "created \(outcome.path ?? "nil"), expected \(path)" }
        }
        if let stat = expected.stat {
            guard outcome.stat == stat else {
                return "returned stat \(String(describing: outcome.stat)), expected \(stat)"
            }
        }
        return nil
    }

    /// A sequential create's name is the requested path and exactly ten decimal digits.
    static func checkSequentialName(_ operation: Operation, _ outcome: TxnOutcome) -> String? {
        guard case .write(.create(let request), _, _) = operation, request.mode?.isSequential == true,
            outcome.error == .ok
        else { return nil }
        guard let path = outcome.path, path.utf8.count == request.path.utf8.count + 10,
            path.hasPrefix(request.path), path.utf8.suffix(10).allSatisfy({ (0x30...0x39).contains($0) })
        else { return "sequential create of \(request.path) made \(outcome.path ?? "nil")" }
        return nil
    }

    static func compare(_ tree: DataTree, _ model: ModelTree) -> String? {
        let treePaths = Set(tree.nodes.keys)
        let modelPaths = Set(model.nodes.keys)
        guard treePaths == modelPaths else {
            return "paths only in the tree: \(treePaths.subtracting(modelPaths).sorted()), "
                + "only in the model: \(modelPaths.subtracting(treePaths).sorted())"
        }
        for path in model.sortedPaths {
            let node = tree.node(at: path)!
            let wanted = model.nodes[path]!
            guard node.data == wanted.data else {
                return "\(path): data \(String(describing: node.data)), expected \(String(describing: wanted.data))"
            }
            guard node.stat == model.stat(path)! else {
                return "\(path): stat\n  \(node.stat)\nexpected\n  \(model.stat(path)!)"
            }
            guard tree.acl(of: node) == wanted.acl else {
                return "\(path): acl \(tree.acl(of: node)), expected \(wanted.acl)"
            }
            guard node.children == wanted.children else {
                return "\(path): children \(node.children.sorted()), expected \(wanted.children.sorted())"
            }
            guard node.cversion == wanted.creates else {
                return "\(path): stored cversion \(node.cversion), expected \(wanted.creates)"
            }
        }
        guard tree.ephemerals == model.ephemerals else {
            return "ephemerals index \(tree.ephemerals), expected \(model.ephemerals)"
        }
        guard tree.containers == model.containers else {
            return "containers \(tree.containers), expected \(model.containers)"
        }
        guard tree.ttlNodes == model.ttlNodes else { return "TTL nodes \(tree.ttlNodes), expected \(model.ttlNodes)" }
        guard tree.approximateDataSize == model.approximateDataSize else {
            return "approximate data size \(tree.approximateDataSize), expected \(model.approximateDataSize)"
        }
        return nil
    }

    private mutating func count(_ done: InFlight) {
        func bump(_ key: String) { coverage[key, default: 0] += 1 }
        for result in done.expected {
            switch result.error {
            case .noAuth: bump("NOAUTH")
            case .badVersion: bump("BADVERSION")
            case .nodeExists: bump("NODEEXISTS")
            case .noNode: bump("NONODE")
            case .notEmpty: bump("NOTEMPTY")
            case .invalidACL: bump("INVALIDACL")
            case .badArguments: bump("BADARGUMENTS")
            case .noChildrenForEphemerals: bump("NOCHILDRENFOREPHEMERALS")
            default: break
            }
        }
        switch done.operation {
        case .write(.multi, _, _):
            bump(done.expected.allSatisfy { $0.error == .ok } ? "successful multi" : "failed multi")
        case .write(let request, _, _) where done.expected.first?.error == .ok:
            switch request {
            case .create(let create):
                bump("successful create")
                if create.mode?.isSequential == true { bump("sequential create") }
                if create.mode?.isEphemeral == true { bump("ephemeral create") }
                if create.op == .createContainer || create.mode == .container { bump("container create") }
                if create.mode?.isTTL == true { bump("TTL create") }
            case .delete: bump("successful delete")
            case .setData: bump("successful setData")
            case .setACL: bump("successful setACL")
            default: break
            }
        case .closeSession:
            if !done.events.isEmpty { bump("closed ephemeral") }
        case .reap:
            if done.expected.first?.error == .ok { bump("reaped node") }
        default:
            break
        }
    }

    // MARK: - Workload

    private mutating func nextOperation() -> Operation {
        let crowded = model.nodes.count > 70
        let kind = rng.weighted([
            (crowded ? 10 : 30, "create"), (crowded ? 30 : 12, "delete"), (12, "setData"), (6, "setACL"),
            (5, "check"), (12, "multi"), (3, "closeSession"), (4, "reap"),
        ])
        switch kind {
        case "create": return write(createRequest(inMulti: false))
        case "delete": return write(deleteRequest())
        case "setData": return write(setDataRequest())
        case "setACL": return write(setACLRequest())
        case "check": return write(checkRequest())
        case "multi": return write(multiRequest())
        case "closeSession": return .closeSession(rng.pick(Self.sessions))
        default: return .reap(reapTarget())
        }
    }

    private mutating func write(_ request: Request) -> Operation {
        let ids = rng.weighted([
            (8, Who.anonymous), (6, Who.alice), (3, Who.bob), (2, Who.anonymousOther), (1, Who.anonymousV6),
            (2, Who.root),
        ])
        return .write(request, session: rng.pick(Self.sessions), ids: ids)
    }

    private mutating func existingPath() -> String {
        let paths = model.sortedPaths
        return rng.percent(3) ? rng.pick(Array(ModelTree.systemPaths).sorted()) : rng.pick(paths)
    }

    /// Mostly existing nodes, sometimes a path that is not there or not valid at all.
    private mutating func targetPath() -> String {
        rng.weighted([
            (80, existingPath()),
            (14, "/" + rng.pick(Self.names) + (rng.percent(50) ? "/" + rng.pick(Self.names) : "")),
            (6, rng.pick(["a", "/a/", "//a", "/a/./b", "/.", "/a/..", "/a\u{0}b", "/zookeeper/config", "/"])),
        ])
    }

    private mutating func version(actual: Int32?) -> Int32 {
        rng.weighted([(50, -1), (35, actual ?? 0), (15, (actual ?? 0) + Int32(rng.between(1, 3)))])
    }

    private mutating func data() -> [UInt8]? { rng.percent(5) ? nil : rng.bytes(maxCount: 8) }

    private mutating func acl() -> [ACL] {
        let all = Permissions.all
        return rng.weighted([
            (30, ACL.openUnsafe),
            (3, ACL.readUnsafe),
            (3, [ACL(perms: all, id: Who.aliceDigest)]),
            (4, ACL.creatorAll),
            (2, [ACL(perms: all, id: Id(scheme: "ip", id: "10.0.0.0/8"))]),
            (2, [ACL(perms: [.read, .create, .delete], id: Id(scheme: "ip", id: "192.168.0.0/16"))]),
            (2, [ACL(perms: .read, id: .anyone), ACL(perms: all, id: Who.bobDigest)]),
            (2, [ACL(perms: all, id: .anyone), ACL(perms: all, id: .anyone)]),
            (1, [ACL(perms: all, id: .authIds), ACL(perms: all, id: Who.aliceDigest)]),
            (1, [ACL(perms: all, id: Id(scheme: "digest", id: "carol:hash:"))]),
            (1, []),
            (1, [ACL(perms: all, id: Id(scheme: "world", id: "other"))]),
            (1, [ACL(perms: all, id: Id(scheme: "digest", id: "u:"))]),
            (1, [ACL(perms: all, id: Id(scheme: "ip", id: "300.1.1.1"))]),
            (1, [ACL(perms: all, id: Id(scheme: "ip", id: "10.0.0.1/33"))]),
            (1, [ACL(perms: all, id: Id(scheme: "super", id: "x"))]),
        ])
    }

    private mutating func createRequest(inMulti: Bool) -> Request {
        let parent: String
        if rng.percent(90) {
            let candidates = model.sortedPaths.filter { $0.split(separator: "/").count < 4 }
            parent = rng.pick(candidates)
        } else {
            parent = rng.pick(["/zookeeper/config", "/zookeeper", "/x", "/a/b/c"])
        }
        let (op, flags, ttl): (OpCode, Int32, Int64) = rng.weighted([
            (30, (rng.percent(50) ? .create : .create2, 0, -1)),
            (12, (.create, 1, -1)),
            (10, (.create2, 2, -1)),
            (6, (.create, 3, -1)),
            (5, (.createContainer, 4, -1)),
            (2, (.create, 4, -1)),
            (6, (.createTTL, rng.percent(50) ? 5 : 6, Int64(rng.between(1, 60)))),
            (1, (.createTTL, 5, rng.percent(50) ? 0 : ModelTree.ttlMax + 1)),
            (inMulti ? 0 : 1, (.createTTL, 0, 5)),
            (1, (.create, 5, -1)),
            (1, (.create, rng.pick([7, -1]), -1)),
        ])
        let sequential = flags == 2 || flags == 3 || flags == 6
        let base = parent == "/" ? "" : parent
        let path =
            rng.percent(3)
            ? rng.pick(["a", "/", "/a/", "//a", "/a/.", "/zookeeper"])
            : sequential ? base + (rng.percent(70) ? "/s-" : "/") : base + "/" + rng.pick(Self.names)
        return create(path, data(), acl: acl(), flags: flags, op: op, ttl: ttl)
    }

    private mutating func deleteRequest() -> Request {
        // Prefer leaves, or deletes would mostly fail with NOTEMPTY.
        let leaves = model.sortedPaths.filter {
            model.nodes[$0]!.children.isEmpty && !ModelTree.systemPaths.contains($0)
        }
        let path = !leaves.isEmpty && rng.percent(70) ? rng.pick(leaves) : targetPath()
        return .delete(path: path, version: version(actual: model.nodes[path]?.version))
    }

    private mutating func setDataRequest() -> Request {
        let path = targetPath()
        return .setData(path: path, data: data(), version: version(actual: model.nodes[path]?.version))
    }

    private mutating func setACLRequest() -> Request {
        let path = targetPath()
        return .setACL(path: path, acl: acl(), version: version(actual: model.nodes[path]?.aversion))
    }

    private mutating func checkRequest() -> Request {
        let path = targetPath()
        return .check(path: path, version: version(actual: model.nodes[path]?.version))
    }

    private mutating func multiRequest() -> Request {
        if rng.percent(3) { return .multi([]) }
        if rng.percent(3) { return .multi([checkRequest(), .getData(path: "/", watch: false)]) }
        if rng.percent(2) { return .multi([setACLRequest()]) }
        var ops: [Request] = []
        for _ in 0..<rng.between(1, 4) {
            switch rng.below(5) {
            case 0, 1:
                // A create and a child under it, so later ops depend on earlier ones.
                let first = createRequest(inMulti: true)
                ops.append(first)
                if case .create(let request) = first, rng.percent(40), request.mode?.isSequential == false {
                    ops.append(create(request.path + "/" + rng.pick(Self.names), data(), acl: ACL.openUnsafe))
                }
            case 2: ops.append(deleteRequest())
            case 3: ops.append(setDataRequest())
            default: ops.append(checkRequest())
            }
        }
        return .multi(ops)
    }

    private mutating func reapTarget() -> String {
        let special = (model.containers.union(model.ttlNodes)).sorted()
        return !special.isEmpty && rng.percent(75) ? rng.pick(special) : targetPath()
    }
}
