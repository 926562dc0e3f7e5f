/// The tree's map from path to znode, split into shards by a hash of the path's tail.
///
/// A snapshot is written from a copy of the tree while writes go on. With one dictionary,
/// the first write after the copy was taken duplicated the whole map on the event loop
/// (100-350 ms for a few hundred thousand znodes, the p99.9 of a write load). Split in
/// shards, a write duplicates only the shard it touches, and the copy's cost is spread
/// over the writes that follow, a small fraction of the tree each.
public struct NodeMap: Sequence, Sendable {
    public typealias Element = (key: String, value: ZNode)

    /// A power of two.
    static let shardCount = 256

    private var shards: [[String: ZNode]]

    public init() {
        shards = Array(repeating: [:], count: Self.shardCount)
    }

    public init(minimumCapacity: Int) {
        self.init()
        reserveCapacity(minimumCapacity)
    }

    public mutating func reserveCapacity(_ total: Int) {
        let each = total / Self.shardCount + total / (Self.shardCount * 8)
        for i in shards.indices { shards[i].reserveCapacity(each) }
    }

    public subscript(path: String) -> ZNode? {
        get { shards[Self.shard(of: path)][path] }
        _modify { yield &shards[Self.shard(of: path)][path] }
    }

    public func contains(_ path: String) -> Bool {
        shards[Self.shard(of: path)].index(forKey: path) != nil
    }

    /// Runs `body` on the entry for `path` in place (nil when absent; set nil to remove):
    /// one lookup for a read-modify-write, and no copy of the node.
    public mutating func modify<Result>(_ path: String, _ body: (inout ZNode?) -> Result) -> Result {
        body(&shards[Self.shard(of: path)][path])
    }

    @discardableResult
    public mutating func removeValue(forKey path: String) -> ZNode? {
        shards[Self.shard(of: path)].removeValue(forKey: path)
    }

    public var count: Int { shards.reduce(0) { $0 + $1.count } }

    public var keys: some Sequence<String> { lazy.map(\.key) }

    public func makeIterator() -> Iterator { Iterator(shards: shards) }

    public struct Iterator: IteratorProtocol {
        let shards: [[String: ZNode]]
        var shard = 0
        var inner: Dictionary<String, ZNode>.Iterator?

        init(shards: [[String: ZNode]]) {
            self.shards = shards
            inner = shards.first?.makeIterator()
        }

        public mutating func next() -> Element? {
            while inner != nil {
                if let element = inner!.next() { return element }
                shard += 1
                inner = shard < shards.count ? shards[shard].makeIterator() : nil
            }
            return nil
        }
    }

    /// FNV-1a over the last 16 bytes and the length, mixed: cheap next to the dictionary's
    /// own hash, and sequential names (`n0000000123`) differ in their last bytes.
    static func shard(of path: String) -> Int {
        let hash =
            path.utf8.withContiguousStorageIfAvailable { Self.mix($0) }
            ?? Array(path.utf8).withUnsafeBufferPointer { Self.mix($0) }
        return Int(hash & UInt32(shardCount - 1))
    }

    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes[Swift.max(0, bytes.count - 16)...] { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        hash = (hash ^ UInt32(truncatingIfNeeded: bytes.count)) &* 16_777_619
        hash ^= hash >> 15
        hash = hash &* 0x2C1B_3C6D
        hash ^= hash >> 12
        return hash
    }
}
