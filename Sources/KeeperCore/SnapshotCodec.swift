import KeeperProtocol

/// The state a snapshot holds: the tree as of its zxid, and the sessions alive then (id and
/// timeout; deadlines restart from the moment the state is loaded, as in ZooKeeper).
public struct SnapshotContents: Sendable {
    public var tree: DataTree
    public var sessions: [Int64: Int32]

    public init(tree: DataTree, sessions: [Int64: Int32]) {
        self.tree = tree
        self.sessions = sessions
    }

    public var zxid: Int64 { tree.lastProcessedZxid }
}

/// The encoding of a snapshot's contents, shared by snapshot files (KeeperStorage) and a
/// leader sending its state to a follower that is too far behind: the sessions, the ACL
/// lists, then one length-prefixed jute record per node.
public enum SnapshotCodec {
    /// Encodes in pieces of about `chunk` bytes, handing each to `emit` so that a large
    /// tree never sits in memory twice.
    public static func encode(
        _ contents: SnapshotContents, chunk: Int = 1 << 20, emit: ([UInt8]) throws -> Void
    ) rethrows {
        var writer = JuteWriter(capacity: 1 << 16)
        writer.write(Int32(contents.sessions.count))
        for (id, timeout) in contents.sessions.sorted(by: { $0.key < $1.key }) {
            writer.write(id)
            writer.write(timeout)
        }
        let acls = contents.tree.acls.all
        writer.write(Int32(acls.count))
        for (ref, acl) in acls.sorted(by: { $0.key < $1.key }) {
            writer.write(ref)
            writer.write(acl)
        }
        writer.write(Int64(contents.tree.nodes.count))
        for (path, node) in contents.tree.nodes {
            writeNode(path, node, to: &writer)
            if writer.bytes.count >= chunk {
                try emit(writer.bytes)
                writer = JuteWriter(capacity: chunk + 4096)
            }
        }
        if !writer.bytes.isEmpty { try emit(writer.bytes) }
    }

    /// The whole encoding in one array.
    public static func encode(_ contents: SnapshotContents) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(contents) { bytes += $0 }
        return bytes
    }

    private static func writeNode(_ path: String, _ node: ZNode, to writer: inout JuteWriter) {
        let start = writer.bytes.count
        writer.write(Int32(0))
        writer.write(path)
        writer.write(node.data)
        writer.write(node.aclRef)
        writer.write(node.czxid)
        writer.write(node.mzxid)
        writer.write(node.ctime)
        writer.write(node.mtime)
        writer.write(node.version)
        writer.write(node.cversion)
        writer.write(node.aversion)
        writer.write(node.ephemeralOwner)
        writer.write(node.pzxid)
        writer.patchLength(at: start)
    }

    /// Decodes contents starting at `reader`'s offset; the tree stands at `zxid`.
    public static func decode(_ reader: inout JuteReader, zxid: Int64) throws(JuteError) -> SnapshotContents {
        var sessions: [Int64: Int32] = [:]
        for _ in 0..<(try count(&reader, "sessions")) {
            sessions[try reader.readInt64("session id")] = try reader.readInt32("session timeout")
        }
        var acls: [ACLTable.Ref: [ACL]] = [:]
        for _ in 0..<(try count(&reader, "acl lists")) {
            acls[try reader.readInt32("acl ref")] = try reader.readRecords(ACL.self, "acl", minimumSize: 12)
        }
        let nodeCount = try reader.readInt64("node count")
        guard nodeCount >= 0, nodeCount <= Int64(reader.remaining / 16) else {
            throw .invalidValue(field: "node count", value: nodeCount)
        }
        var nodes = NodeMap(minimumCapacity: Int(nodeCount))
        for _ in 0..<nodeCount {
            _ = try reader.readInt32("node length")
            let (path, node) = try readNode(&reader)
            nodes[path] = node
        }
        return SnapshotContents(
            tree: DataTree(restoring: nodes, acls: acls, lastProcessedZxid: zxid), sessions: sessions)
    }

    public static func decode(_ bytes: [UInt8], zxid: Int64) throws(JuteError) -> SnapshotContents {
        var reader = JuteReader(bytes)
        return try decode(&reader, zxid: zxid)
    }

    private static func count(_ reader: inout JuteReader, _ field: String) throws(JuteError) -> Int32 {
        let count = try reader.readInt32(field)
        guard count >= 0, Int(count) <= reader.remaining else { throw .badLength(field: field, length: count) }
        return count
    }

    private static func readNode(_ reader: inout JuteReader) throws(JuteError) -> (String, ZNode) {
        let path = try reader.readString("path")
        let data = try reader.readBuffer("data")
        let aclRef = try reader.readInt32("aclRef")
        let czxid = try reader.readInt64("czxid")
        var node = ZNode(data: data, aclRef: aclRef, zxid: czxid, time: 0, owner: 0)
        node.mzxid = try reader.readInt64("mzxid")
        node.ctime = try reader.readInt64("ctime")
        node.mtime = try reader.readInt64("mtime")
        node.version = try reader.readInt32("version")
        node.cversion = try reader.readInt32("cversion")
        node.aversion = try reader.readInt32("aversion")
        node.ephemeralOwner = try reader.readInt64("ephemeralOwner")
        node.pzxid = try reader.readInt64("pzxid")
        return (path, node)
    }
}

extension JuteWriter {
    /// Fills in a 4-byte length written as a placeholder at `start`: the bytes after it.
    mutating func patchLength(at start: Int) {
        let length = UInt32(bytes.count - start - 4)
        var patched = Array(bytes[start..<start + 4])
        for i in 0..<4 { patched[i] = UInt8(truncatingIfNeeded: length >> (24 - 8 * UInt32(i))) }
        replaceBytes(at: start, with: patched)
    }
}
