import KeeperProtocol

/// One request ready for the wire.
struct Outgoing {
    var kind: RequestKind
    var frame: [UInt8]
}

/// SplitMix64: a fast seeded generator, so that picking a znode costs no system call.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// A fixed list of creates or deletes, in order (setup and cleanup). The paths are made
/// one at a time, so a cleanup of millions of znodes holds no list of them.
struct FiniteRequests: Sendable {
    let kind: RequestKind
    let count: Int
    let path: @Sendable (Int) -> String
    let data: [UInt8]
    /// What the creates make.
    let mode: CreateMode
    private(set) var issued = 0

    init(
        kind: RequestKind, count: Int, data: [UInt8] = [], mode: CreateMode = .persistent,
        path: @escaping @Sendable (Int) -> String
    ) {
        precondition(kind == .create || kind == .delete, "finite requests are creates or deletes, not \(kind)")
        self.kind = kind
        self.count = count
        self.data = data
        self.mode = mode
        self.path = path
    }

    mutating func next(xid: Int32) -> Outgoing? {
        guard issued < count else { return nil }
        let path = self.path(issued)
        issued += 1
        switch kind {
        case .create:
            let create = CreateRequest(path: path, data: data, acl: ACL.openUnsafe, mode: mode, withStat: false)
            return Outgoing(kind: .create, frame: Frame.request(xid: xid, .create(create)))
        default:
            return Outgoing(kind: .delete, frame: Frame.request(xid: xid, .delete(path: path, version: -1)))
        }
    }
}

/// The timed workload of one client: creates of new znodes under its subtree, or gets and
/// sets of random znodes of its working set.
struct TimedRequests: Sendable {
    let op: BenchOp
    let readPercent: Int
    let base: String
    let workingSet: [String]
    let data: [UInt8]
    private var random: SplitMix64
    /// How many creates were sent: cleanup deletes n0 ..< createsIssued.
    private(set) var createsIssued = 0

    init(op: BenchOp, readPercent: Int, base: String, workingSet: [String], data: [UInt8], seed: UInt64) {
        self.op = op
        self.readPercent = readPercent
        self.base = base
        self.workingSet = workingSet
        self.data = data
        self.random = SplitMix64(seed: seed)
    }

    mutating func next(xid: Int32) -> Outgoing {
        switch op {
        case .create:
            let path = TimedRequests.createdPath(base: base, index: createsIssued)
            createsIssued += 1
            let create = CreateRequest(path: path, data: data, acl: ACL.openUnsafe, mode: .persistent, withStat: false)
            return Outgoing(kind: .create, frame: Frame.request(xid: xid, .create(create)))
        case .set:
            return set(xid: xid)
        case .get:
            return get(xid: xid)
        case .mixed:
            return Int(random.next() % 100) < readPercent ? get(xid: xid) : set(xid: xid)
        }
    }

    private mutating func pick() -> String {
        workingSet[Int(random.next() % UInt64(workingSet.count))]
    }

    private mutating func get(xid: Int32) -> Outgoing {
        Outgoing(kind: .get, frame: Frame.request(xid: xid, .getData(path: pick(), watch: false)))
    }

    private mutating func set(xid: Int32) -> Outgoing {
        Outgoing(kind: .set, frame: Frame.request(xid: xid, .setData(path: pick(), data: data, version: -1)))
    }

    static func createdPath(base: String, index: Int) -> String { "\(base)/n\(index)" }
    static func workingSetPath(base: String, index: Int) -> String { "\(base)/w\(index)" }
}

/// Where a phase's requests come from.
enum RequestSource: Sendable {
    case finite(FiniteRequests)
    case timed(TimedRequests)
}
