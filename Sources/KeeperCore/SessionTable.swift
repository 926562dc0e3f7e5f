/// The live sessions and when each expires (ZooKeeper's SessionTrackerImpl and
/// ExpiryQueue). Deadlines are rounded up to the next tick, so expiry is checked once a
/// tick for a whole bucket of sessions. Time is the caller's monotonic milliseconds.
public struct SessionTable: Sendable {
    public struct Session: Hashable, Sendable {
        public let id: Int64
        public var timeout: Int32
        public var expiresAt: Int64
        /// A close has been prepared: the session takes no more requests.
        public var isClosing = false
    }

    public let tickTime: Int64
    public private(set) var sessions: [Int64: Session] = [:]
    private var buckets: [Int64: Set<Int64>] = [:]

    public init(tickTime: Int64) {
        precondition(tickTime > 0, "tickTime \(tickTime) must be positive")
        self.tickTime = tickTime
    }

    public var count: Int { sessions.count }

    public func session(_ id: Int64) -> Session? { sessions[id] }

    /// The tick boundary after `now + timeout`.
    public func deadline(now: Int64, timeout: Int32) -> Int64 {
        ((now + Int64(timeout)) / tickTime + 1) * tickTime
    }

    /// Adds a session (its createSession transaction was applied), or refreshes its timeout.
    public mutating func add(_ id: Int64, timeout: Int32, now: Int64) {
        if sessions[id] == nil {
            sessions[id] = Session(id: id, timeout: timeout, expiresAt: 0)
        }
        sessions[id]!.timeout = timeout
        _ = touch(id, now: now)
    }

    /// Pushes the session's deadline out; false if it is unknown or closing.
    public mutating func touch(_ id: Int64, now: Int64) -> Bool {
        guard var session = sessions[id], !session.isClosing else { return false }
        let deadline = deadline(now: now, timeout: session.timeout)
        guard deadline != session.expiresAt else { return true }
        buckets[session.expiresAt]?.remove(id)
        if buckets[session.expiresAt]?.isEmpty == true { buckets[session.expiresAt] = nil }
        session.expiresAt = deadline
        buckets[deadline, default: []].insert(id)
        sessions[id] = session
        return true
    }

    /// Marks a session closing: it is on its way out and takes no more requests.
    public mutating func markClosing(_ id: Int64) {
        sessions[id]?.isClosing = true
    }

    public mutating func remove(_ id: Int64) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        buckets[session.expiresAt]?.remove(id)
        if buckets[session.expiresAt]?.isEmpty == true { buckets[session.expiresAt] = nil }
    }

    /// Every session gets a full timeout from `now` and is open again: what a server does
    /// when its role in the ensemble changes. A session marked closing whose closeSession
    /// never committed lives on; the leader that gains it expires it afresh if its client is
    /// gone, as ZooKeeper's new leader does.
    public mutating func restartTimers(now: Int64) {
        let live = sessions.values.sorted { $0.id < $1.id }
        sessions = [:]
        buckets = [:]
        for session in live { add(session.id, timeout: session.timeout, now: now) }
    }

    /// Sessions whose deadline has passed, in id order, marked closing.
    public mutating func expire(now: Int64) -> [Int64] {
        var expired: [Int64] = []
        for deadline in buckets.keys.sorted() where deadline <= now {
            for id in buckets.removeValue(forKey: deadline) ?? [] where sessions[id]?.isClosing == false {
                expired.append(id)
            }
        }
        expired.sort()
        for id in expired { sessions[id]?.isClosing = true }
        return expired
    }
}

/// Hands out session ids as ZooKeeper does: the server id in the top byte, then 40 bits
/// of the start time in milliseconds, then a counter, so ids from different servers and
/// different runs do not collide.
public struct SessionIdGenerator: Sendable {
    private var next: Int64

    public init(serverId: Int64, startTime: Int64) {
        let timeBits = Int64(bitPattern: (UInt64(bitPattern: startTime) << 24) >> 8)
        next = timeBits | (serverId << 56)
    }

    public mutating func nextId() -> Int64 {
        if next == Int64.min || next == 0 { next &+= 1 }
        defer { next &+= 1 }
        return next
    }
}

/// Session passwords, computed as ZooKeeper computes them (java.util.Random seeded with
/// the session id xor a constant, 16 bytes), so that any server of the ensemble can check
/// a password without storing it. They keep honest clients from taking over each other's
/// sessions by mistake; like ZooKeeper's, they are not a secret against an attacker who
/// knows the scheme.
public enum SessionPassword {
    public static let length = 16
    private static let secret: Int64 = 0xB341_5C00

    public static func make(for session: Int64) -> [UInt8] {
        var random = JavaRandom(seed: session ^ secret)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for _ in 0..<(length / 4) {
            var value = random.nextInt32()
            for _ in 0..<4 {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        return bytes
    }

    public static func check(_ password: [UInt8], for session: Int64) -> Bool {
        session != 0 && password == make(for: session)
    }
}

/// java.util.Random's linear congruential generator, bit for bit.
struct JavaRandom {
    private var seed: UInt64
    private static let multiplier: UInt64 = 0x5_DEEC_E66D
    private static let mask: UInt64 = (1 << 48) - 1

    init(seed: Int64) {
        self.seed = (UInt64(bitPattern: seed) ^ Self.multiplier) & Self.mask
    }

    mutating func nextInt32() -> Int32 {
        seed = (seed &* Self.multiplier &+ 0xB) & Self.mask
        return Int32(truncatingIfNeeded: Int64(seed >> 16))
    }
}
