import KeeperProtocol

/// ZooKeeper's quota accounting: `setquota` creates `/zookeeper/quota/P/zookeeper_limits`
/// and `.../zookeeper_stats`, and from then on every create, delete and setData under P
/// updates the stats node's `count=N,bytes=M` in place (no new version, no zxid), as
/// ZooKeeper's DataTree does on every replica. Limits are not enforced, as by default in
/// ZooKeeper (`zookeeper.enforceQuota=false`).
extension DataTree {
    static let quotaPrefix = "/zookeeper/quota"
    static let quotaLimitNode = "zookeeper_limits"
    static let quotaStatNode = "zookeeper_stats"

    /// Bookkeeping after `path` was inserted with `bytes` of data.
    mutating func quotaAfterInsert(_ path: String, bytes: Int) {
        if let quotaPath = Self.quotaPath(ofSpecial: path, named: Self.quotaLimitNode) { quotaRoots.insert(quotaPath) }
        if let quotaPath = Self.quotaPath(ofSpecial: path, named: Self.quotaStatNode) { recountQuota(quotaPath) }
        adjustQuota(covering: path, count: 1, bytes: bytes)
    }

    /// Bookkeeping after `path` holding `bytes` was removed.
    mutating func quotaAfterRemove(_ path: String, bytes: Int) {
        if let quotaPath = Self.quotaPath(ofSpecial: path, named: Self.quotaLimitNode) { quotaRoots.remove(quotaPath) }
        adjustQuota(covering: path, count: -1, bytes: -bytes)
    }

    /// Bookkeeping after the data at `path` changed size by `bytes`.
    mutating func quotaAfterSetData(_ path: String, bytes: Int) {
        adjustQuota(covering: path, count: 0, bytes: bytes)
    }

    /// The quota roots of a restored tree.
    mutating func rebuildQuotaRoots() {
        quotaRoots = Set(nodes.keys.compactMap { Self.quotaPath(ofSpecial: $0, named: Self.quotaLimitNode) })
    }

    /// For `/zookeeper/quota/P/<name>`, P.
    private static func quotaPath(ofSpecial path: String, named name: String) -> String? {
        guard path.hasPrefix(quotaPrefix + "/"), PathRules.name(of: path) == name,
            let parent = PathRules.parent(of: path), parent.count > quotaPrefix.count
        else { return nil }
        return String(parent.dropFirst(quotaPrefix.count))
    }

    /// The deepest quota root at or above `path`; nodes under /zookeeper are not counted.
    private func quotaRoot(covering path: String) -> String? {
        guard !quotaRoots.isEmpty, path != "/zookeeper", !path.hasPrefix("/zookeeper/") else { return nil }
        var candidate: String? = path
        while let current = candidate {
            if quotaRoots.contains(current) { return current }
            candidate = PathRules.parent(of: current)
        }
        return nil
    }

    private mutating func adjustQuota(covering path: String, count: Int, bytes: Int) {
        guard let root = quotaRoot(covering: path) else { return }
        let statPath = Self.quotaPrefix + root + "/" + Self.quotaStatNode
        guard let node = nodes[statPath] else { return }
        var stats = QuotaStats(node.data)
        stats.count += count
        stats.bytes += bytes
        replaceQuietly(statPath, data: stats.encoded)
    }

    /// Sets the stats of quota root `quotaPath` from its subtree (the root counts itself).
    private mutating func recountQuota(_ quotaPath: String) {
        let statPath = Self.quotaPrefix + quotaPath + "/" + Self.quotaStatNode
        guard nodes[statPath] != nil else { return }
        var stats = QuotaStats(nodes[statPath]?.data)
        stats.count = 0
        stats.bytes = 0
        var stack = [quotaPath]
        while let path = stack.popLast() {
            guard let node = nodes[path] else { continue }
            stats.count += 1
            stats.bytes += node.data?.count ?? 0
            stack.append(contentsOf: node.children.map { PathRules.join(path, $0) })
        }
        replaceQuietly(statPath, data: stats.encoded)
    }

    /// Replaces a node's data without touching its stat, as quota accounting does.
    private mutating func replaceQuietly(_ path: String, data: [UInt8]) {
        approximateDataSize += data.count - (nodes[path]?.data?.count ?? 0)
        nodes[path]?.data = data
    }
}

/// `count=N,bytes=M`, possibly followed by `=;key=value…` that is kept as it is.
struct QuotaStats {
    var count = 0
    var bytes = 0
    var rest = ""

    init(_ data: [UInt8]?) {
        let text = String(decoding: data ?? [], as: UTF8.self)
        var remaining = Substring(text)
        for key in ["count=", "bytes="] {
            guard remaining.hasPrefix(key) else { return }
            remaining = remaining.dropFirst(key.count)
            let digits = remaining.prefix { $0 == "-" || $0.isNumber }
            let value = Int(digits) ?? 0
            if key == "count=" { count = value } else { bytes = value }
            remaining = remaining.dropFirst(digits.count)
            if key == "count=" && remaining.hasPrefix(",") { remaining = remaining.dropFirst() }
        }
        rest = String(remaining)
    }

    var encoded: [UInt8] { Array("count=\(count),bytes=\(bytes)\(rest)".utf8) }
}
