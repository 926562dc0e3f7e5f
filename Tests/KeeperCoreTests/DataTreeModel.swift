import KeeperProtocol

@testable import KeeperCore

/// A naive twin of the data tree: a dictionary of paths, written from ZooKeeper 3.8's rules
/// (PrepRequestProcessor's checks in their order, DataTree's stat updates) without reusing
/// any of KeeperCore's code, so that the real pipeline (prep → TxnEntry → apply) can be
/// compared with it after every step.
struct ModelTree {
    enum Kind: Equatable {
        case persistent
        case ephemeral(Int64)
        case container
        case ttl(Int64)
    }

    struct Node {
        var data: [UInt8]?
        var acl: [ACL]
        var kind: Kind
        var czxid: Int64
        var mzxid: Int64
        var pzxid: Int64
        var ctime: Int64
        var mtime: Int64
        var version: Int32 = 0
        var aversion: Int32 = 0
        /// The stored child-create counter; deletes do not lower it.
        var creates: Int32 = 0
        var children: Set<String> = []
    }

    /// What one op is expected to produce.
    struct Result: Equatable {
        var error: ErrorCode
        var createdPath: String? = nil
        var stat: Stat? = nil
    }

    struct Context {
        var session: Int64
        var ids: [Id]
        var zxid: Int64
        var time: Int64
    }

    static let systemPaths: Set<String> = ["/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"]
    static let ttlMax: Int64 = 0xFF_FFFF_FFFF

    private(set) var nodes: [String: Node] = [:]

    init() {
        let open = [ACL(perms: Permissions(rawValue: 31), id: Id(scheme: "world", id: "anyone"))]
        let readOnly = [ACL(perms: Permissions(rawValue: 1), id: Id(scheme: "world", id: "anyone"))]
        func system(_ acl: [ACL], _ children: Set<String>) -> Node {
            Node(
                data: [], acl: acl, kind: .persistent, czxid: 0, mzxid: 0, pzxid: 0, ctime: 0, mtime: 0,
                children: children)
        }
        nodes["/"] = system(open, ["zookeeper"])
        nodes["/zookeeper"] = system(open, ["quota", "config"])
        nodes["/zookeeper/quota"] = system(open, [])
        nodes["/zookeeper/config"] = system(readOnly, [])
        nodes["/zookeeper/config"]!.aversion = -1
    }

    // MARK: - Reading the model

    func stat(_ path: String) -> Stat? {
        guard let node = nodes[path] else { return nil }
        var stat = Stat()
        stat.czxid = node.czxid
        stat.mzxid = node.mzxid
        stat.ctime = node.ctime
        stat.mtime = node.mtime
        stat.version = node.version
        stat.cversion = 2 * node.creates - Int32(node.children.count)
        stat.aversion = node.aversion
        if case .ephemeral(let session) = node.kind { stat.ephemeralOwner = session }
        stat.dataLength = Int32(node.data?.count ?? 0)
        stat.numChildren = Int32(node.children.count)
        stat.pzxid = node.pzxid
        return stat
    }

    var ephemerals: [Int64: Set<String>] {
        var result: [Int64: Set<String>] = [:]
        for (path, node) in nodes {
            if case .ephemeral(let session) = node.kind { result[session, default: []].insert(path) }
        }
        return result
    }

    var containers: Set<String> { Set(nodes.filter { $0.value.kind == .container }.keys) }

    var ttlNodes: Set<String> {
        Set(nodes.filter { if case .ttl = $0.value.kind { return true } else { return false } }.keys)
    }

    var approximateDataSize: Int { nodes.reduce(0) { $0 + $1.key.utf8.count + ($1.value.data?.count ?? 0) } }

    var sortedPaths: [String] { nodes.keys.sorted() }

    // MARK: - Rules

    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "/" }
        let prefix = String(path[..<slash])
        return prefix.isEmpty ? "/" : prefix
    }

    static func name(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    static func isValid(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        if path == "/" { return true }
        guard !path.hasSuffix("/") else { return false }
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." { return false }
            if segment.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
                return false
            }
        }
        return true
    }

    static func pad10(_ counter: Int32) -> String {
        let digits = String(counter)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// `ip` ids: IPv4 with an optional prefix length; anything else never matches.
    static func ipv4(_ text: String) -> (UInt32, Int)? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var address: UInt32 = 0
        for octet in octets {
            guard let value = Int(octet), (0...255).contains(value) else { return nil }
            address = address << 8 | UInt32(value)
        }
        var bits = 32
        if parts.count == 2 {
            guard let b = Int(parts[1]), (0...32).contains(b) else { return nil }
            bits = b
        }
        return (address, bits)
    }

    static func allowed(_ acl: [ACL], _ perm: Int32, _ ids: [Id]) -> Bool {
        if acl.isEmpty || ids.contains(where: { $0.scheme == "super" }) { return true }
        for entry in acl where entry.perms.rawValue & perm != 0 {
            if entry.id.scheme == "world" && entry.id.id == "anyone" { return true }
            for id in ids where id.scheme == entry.id.scheme {
                switch id.scheme {
                case "digest":
                    if id.id == entry.id.id { return true }
                case "ip":
                    guard let (network, bits) = ipv4(entry.id.id), let (address, _) = ipv4(id.id) else { continue }
                    let mask: UInt32 = bits == 0 ? 0 : ~0 << (32 - bits)
                    if network & mask == address & mask { return true }
                default:
                    continue
                }
            }
        }
        return false
    }

    /// PrepRequestProcessor.fixupACL: drop duplicates, refuse an empty list, expand `auth` into
    /// the caller's digest ids, check every other entry with its provider.
    static func fixup(_ acl: [ACL], _ ids: [Id]) -> [ACL]? {
        var unique: [ACL] = []
        for entry in acl where !unique.contains(entry) { unique.append(entry) }
        guard !unique.isEmpty else { return nil }
        var result: [ACL] = []
        for entry in unique {
            switch entry.id.scheme {
            case "world":
                guard entry.id.id == "anyone" else { return nil }
                result.append(entry)
            case "auth":
                let authenticated = ids.filter { $0.scheme == "digest" }
                guard !authenticated.isEmpty else { return nil }
                result += authenticated.map { ACL(perms: entry.perms, id: $0) }
            case "digest":
                // Java's split(":") drops trailing empty strings.
                var parts = entry.id.id.split(separator: ":", omittingEmptySubsequences: false)
                while parts.count > 1 && parts.last!.isEmpty { parts.removeLast() }
                guard parts.count == 2 else { return nil }
                result.append(entry)
            case "ip":
                guard ipv4(entry.id.id) != nil else { return nil }
                result.append(entry)
            default:
                return nil
            }
        }
        return result
    }

    // MARK: - Writes

    static let multiWriteOps: Set<Int32> = [1, 2, 5, 13, 15, 19, 21]

    /// Applies a write; a multi gives one result per op.
    mutating func apply(_ request: Request, _ context: Context, events: inout [TreeEvent]) -> [Result] {
        guard case .multi(let ops) = request else { return [single(request, context, &events)] }
        guard ops.allSatisfy({ Self.multiWriteOps.contains($0.opCode) }) else {
            return [Result(error: .marshallingError)]
        }
        var scratch = self
        var scratchEvents: [TreeEvent] = []
        var results: [Result] = []
        for (index, op) in ops.enumerated() {
            let result = scratch.single(op, context, &scratchEvents, inMulti: true)
            if result.error != .ok {
                return ops.indices.map { i in
                    Result(error: i < index ? .ok : i == index ? result.error : .runtimeInconsistency)
                }
            }
            results.append(result)
        }
        self = scratch
        events += scratchEvents
        return results
    }

    private mutating func single(
        _ request: Request, _ context: Context, _ events: inout [TreeEvent], inMulti: Bool = false
    ) -> Result {
        switch request {
        case .create(let create): return self.create(create, context, &events, inMulti: inMulti)
        case .delete(let path, let version): return delete(path, version, context, &events)
        case .setData(let path, let data, let version): return setData(path, data, version, context, &events)
        case .setACL(let path, let acl, let version): return setACL(path, acl, version, context)
        case .check(let path, let version): return check(path, version, context)
        default: return Result(error: .marshallingError)
        }
    }

    /// As in ZooKeeper, a container needs op createContainer, except inside a multi, where
    /// the container flag alone makes one.
    private mutating func create(
        _ request: CreateRequest, _ context: Context, _ events: inout [TreeEvent], inMulti: Bool
    ) -> Result {
        let flags = request.flags
        guard (0...6).contains(flags) else { return Result(error: .badArguments) }
        let isTTL = flags == 5 || flags == 6
        let isSequential = flags == 2 || flags == 3 || flags == 6
        let isEphemeral = flags == 1 || flags == 3
        if isTTL {
            guard request.ttl >= 1 && request.ttl <= Self.ttlMax else { return Result(error: .badArguments) }
        } else {
            guard request.ttl < 0 else { return Result(error: .badArguments) }
        }
        guard request.path.contains("/"), !request.path.contains("\u{0}") else { return Result(error: .badArguments) }
        guard let acl = Self.fixup(request.acl, context.ids) else { return Result(error: .invalidACL) }
        let parentPath = Self.parent(request.path)
        guard let parent = nodes[parentPath] else { return Result(error: .noNode) }
        guard Self.allowed(parent.acl, 4, context.ids) else { return Result(error: .noAuth) }
        let path = isSequential ? request.path + Self.pad10(parent.creates) : request.path
        guard Self.isValid(path) else { return Result(error: .badArguments) }
        guard nodes[path] == nil else { return Result(error: .nodeExists) }
        if case .ephemeral = parent.kind { return Result(error: .noChildrenForEphemerals) }
        let kind: Kind =
            request.op == .createContainer || (inMulti && flags == 4)
            ? .container
            : isTTL ? .ttl(request.ttl) : isEphemeral ? .ephemeral(context.session) : .persistent
        nodes[parentPath]!.creates += 1
        nodes[parentPath]!.pzxid = context.zxid
        nodes[parentPath]!.children.insert(Self.name(path))
        nodes[path] = Node(
            data: request.data, acl: acl, kind: kind, czxid: context.zxid, mzxid: context.zxid, pzxid: context.zxid,
            ctime: context.time, mtime: context.time)
        events.append(TreeEvent(type: .nodeCreated, path: path, acl: acl))
        events.append(TreeEvent(type: .nodeChildrenChanged, path: parentPath, acl: parent.acl))
        return Result(error: .ok, createdPath: path, stat: stat(path))
    }

    private mutating func delete(
        _ path: String, _ version: Int32, _ context: Context, _ events: inout [TreeEvent]
    ) -> Result {
        guard path.contains("/"), !path.contains("\u{0}"), !Self.systemPaths.contains(path) else {
            return Result(error: .badArguments)
        }
        guard let parent = nodes[Self.parent(path)] else { return Result(error: .noNode) }
        guard Self.allowed(parent.acl, 8, context.ids) else { return Result(error: .noAuth) }
        guard let node = nodes[path] else { return Result(error: .noNode) }
        guard version == -1 || version == node.version else { return Result(error: .badVersion) }
        guard node.children.isEmpty else { return Result(error: .notEmpty) }
        remove(path, zxid: context.zxid, events: &events)
        return Result(error: .ok)
    }

    private mutating func remove(_ path: String, zxid: Int64, events: inout [TreeEvent]) {
        let parentPath = Self.parent(path)
        let node = nodes.removeValue(forKey: path)!
        nodes[parentPath]!.children.remove(Self.name(path))
        nodes[parentPath]!.pzxid = zxid
        events.append(TreeEvent(type: .nodeDeleted, path: path, acl: node.acl))
        events.append(TreeEvent(type: .nodeChildrenChanged, path: parentPath, acl: nodes[parentPath]!.acl))
    }

    private mutating func setData(
        _ path: String, _ data: [UInt8]?, _ version: Int32, _ context: Context, _ events: inout [TreeEvent]
    ) -> Result {
        guard Self.isValid(path) else { return Result(error: .badArguments) }
        guard let node = nodes[path] else { return Result(error: .noNode) }
        guard Self.allowed(node.acl, 2, context.ids) else { return Result(error: .noAuth) }
        guard version == -1 || version == node.version else { return Result(error: .badVersion) }
        nodes[path]!.data = data
        nodes[path]!.version += 1
        nodes[path]!.mzxid = context.zxid
        nodes[path]!.mtime = context.time
        events.append(TreeEvent(type: .nodeDataChanged, path: path, acl: node.acl))
        return Result(error: .ok, stat: stat(path))
    }

    private mutating func setACL(_ path: String, _ acl: [ACL], _ version: Int32, _ context: Context) -> Result {
        guard Self.isValid(path) else { return Result(error: .badArguments) }
        guard let fixed = Self.fixup(acl, context.ids) else { return Result(error: .invalidACL) }
        guard let node = nodes[path] else { return Result(error: .noNode) }
        guard Self.allowed(node.acl, 16, context.ids) else { return Result(error: .noAuth) }
        guard version == -1 || version == node.aversion else { return Result(error: .badVersion) }
        nodes[path]!.acl = fixed
        nodes[path]!.aversion += 1
        return Result(error: .ok, stat: stat(path))
    }

    private func check(_ path: String, _ version: Int32, _ context: Context) -> Result {
        guard Self.isValid(path) else { return Result(error: .badArguments) }
        guard let node = nodes[path] else { return Result(error: .noNode) }
        guard Self.allowed(node.acl, 1, context.ids) else { return Result(error: .noAuth) }
        guard version == -1 || version == node.version else { return Result(error: .badVersion) }
        return Result(error: .ok)
    }

    /// closeSession and expiry: every ephemeral of the session goes, in path order.
    mutating func closeSession(_ session: Int64, zxid: Int64, events: inout [TreeEvent]) -> Result {
        let paths = nodes.filter { $0.value.kind == .ephemeral(session) }.keys.sorted()
        for path in paths { remove(path, zxid: zxid, events: &events) }
        return Result(error: .ok)
    }

    /// The container manager's delete: only an empty container, or an empty TTL node whose
    /// time since its last change is over its TTL.
    mutating func reap(_ path: String, zxid: Int64, time: Int64, events: inout [TreeEvent]) -> Result {
        guard let node = nodes[path] else { return Result(error: .noNode) }
        guard node.children.isEmpty else { return Result(error: .notEmpty) }
        switch node.kind {
        case .container: break
        case .ttl(let ttl): guard time - node.mtime > ttl else { return Result(error: .badVersion) }
        case .persistent, .ephemeral: return Result(error: .badVersion)
        }
        remove(path, zxid: zxid, events: &events)
        return Result(error: .ok)
    }
}
