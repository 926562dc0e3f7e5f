import KeeperProtocol

/// The header ZooKeeper writes before every transaction (`TxnHeader`): who asked, their
/// request number, the zxid the leader gave it, and the leader's wall-clock time, which
/// every replica uses for ctime and mtime so that applying stays deterministic.
public struct TxnHeader: Hashable, Sendable, JuteRecord {
    public var session: Int64
    public var cxid: Int32
    public var zxid: Int64
    public var time: Int64
    public var type: Int32

    public init(session: Int64, cxid: Int32, zxid: Int64, time: Int64, type: Int32) {
        self.session = session
        self.cxid = cxid
        self.zxid = zxid
        self.time = time
        self.type = type
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        session = try reader.readInt64("TxnHeader.clientId")
        cxid = try reader.readInt32("TxnHeader.cxid")
        zxid = try reader.readInt64("TxnHeader.zxid")
        time = try reader.readInt64("TxnHeader.time")
        type = try reader.readInt32("TxnHeader.type")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(session)
        writer.write(cxid)
        writer.write(zxid)
        writer.write(time)
        writer.write(type)
    }
}

/// A change to the replicated state, decided by `Preparer` and applied by every replica in
/// zxid order. The cases and their encodings follow ZooKeeper's txn records (CreateTxn,
/// CreateContainerTxn, CreateTTLTxn, DeleteTxn, SetDataTxn, SetACLTxn, CheckVersionTxn,
/// CreateSessionTxn, CloseSessionTxn, ErrorTxn, MultiTxn).
public indirect enum Txn: Hashable, Sendable {
    case createSession(timeout: Int32)
    /// The ephemerals to delete are fixed when the close is prepared, so every replica
    /// deletes the same ones.
    case closeSession(ephemerals: [String])
    case create(path: String, data: [UInt8]?, acl: [ACL], kind: NodeKind, parentCVersion: Int32)
    case delete(path: String)
    /// The reaper's delete of an empty container or an expired TTL node.
    case deleteContainer(path: String)
    case setData(path: String, data: [UInt8]?, version: Int32)
    case setACL(path: String, acl: [ACL], version: Int32)
    case check(path: String, version: Int32)
    case multi([Txn])
    /// A write that failed in prep still takes its zxid and goes through the pipeline, so
    /// that its reply leaves in order.
    case error(ErrorCode)

    public var type: OpCode {
        switch self {
        case .createSession: return .createSession
        case .closeSession: return .closeSession
        case .create(_, _, _, let kind, _):
            switch kind {
            case .container: return .createContainer
            case .ttl: return .createTTL
            case .persistent, .ephemeral: return .create
            }
        case .delete: return .delete
        case .deleteContainer: return .deleteContainer
        case .setData: return .setData
        case .setACL: return .setACL
        case .check: return .check
        case .multi: return .multi
        case .error: return .error
        }
    }

    public func write(to writer: inout JuteWriter) {
        switch self {
        case .createSession(let timeout):
            writer.write(timeout)
        case .closeSession(let paths):
            writer.write(paths)
        case .create(let path, let data, let acl, let kind, let parentCVersion):
            writer.write(path)
            writer.write(data)
            writer.write(acl)
            switch kind {
            case .persistent, .ephemeral:
                writer.write(kind.isEphemeral)
                writer.write(parentCVersion)
            case .container:
                writer.write(parentCVersion)
            case .ttl(let milliseconds):
                writer.write(parentCVersion)
                writer.write(milliseconds)
            }
        case .delete(let path), .deleteContainer(let path):
            writer.write(path)
        case .setData(let path, let data, let version):
            writer.write(path)
            writer.write(data)
            writer.write(version)
        case .setACL(let path, let acl, let version):
            writer.write(path)
            writer.write(acl)
            writer.write(version)
        case .check(let path, let version):
            writer.write(path)
            writer.write(version)
        case .multi(let txns):
            writer.write(Int32(txns.count))
            for txn in txns {
                writer.write(txn.type.rawValue)
                var inner = JuteWriter()
                txn.write(to: &inner)
                writer.write(inner.bytes)
            }
        case .error(let code):
            writer.write(code.rawValue)
        }
    }

    /// Reads a transaction body of `type`; `session` (the header's clientId) owns any
    /// ephemeral it creates.
    public static func read(type: Int32, session: Int64, from reader: inout JuteReader) throws(JuteError) -> Txn {
        guard let op = OpCode(rawValue: type) else { throw .invalidValue(field: "TxnHeader.type", value: Int64(type)) }
        switch op {
        case .createSession:
            return .createSession(timeout: try reader.readInt32("timeOut"))
        case .closeSession:
            return .closeSession(ephemerals: try reader.readStrings("paths2Delete"))
        case .create, .createContainer, .createTTL:
            return try readCreate(op, session: session, from: &reader)
        case .delete:
            return .delete(path: try reader.readString("path"))
        case .deleteContainer:
            return .deleteContainer(path: try reader.readString("path"))
        case .setData:
            return .setData(
                path: try reader.readString("path"), data: try reader.readBuffer("data"),
                version: try reader.readInt32("version"))
        case .setACL:
            return .setACL(
                path: try reader.readString("path"), acl: try reader.readRecords(ACL.self, "acl", minimumSize: 12),
                version: try reader.readInt32("version"))
        case .check:
            return .check(path: try reader.readString("path"), version: try reader.readInt32("version"))
        case .multi:
            return .multi(try readMulti(session: session, from: &reader))
        case .error:
            return .error(ErrorCode(rawValue: try reader.readInt32("err")))
        default:
            throw .invalidValue(field: "TxnHeader.type", value: Int64(type))
        }
    }

    private static func readCreate(_ op: OpCode, session: Int64, from reader: inout JuteReader) throws(JuteError) -> Txn
    {
        let path = try reader.readString("path")
        let data = try reader.readBuffer("data")
        let acl = try reader.readRecords(ACL.self, "acl", minimumSize: 12)
        let kind: NodeKind
        let parentCVersion: Int32
        switch op {
        case .createContainer:
            kind = .container
            parentCVersion = try reader.readInt32("parentCVersion")
        case .createTTL:
            parentCVersion = try reader.readInt32("parentCVersion")
            kind = .ttl(milliseconds: try reader.readInt64("ttl"))
        default:
            kind = try reader.readBool("ephemeral") ? .ephemeral(session: session) : .persistent
            parentCVersion = try reader.readInt32("parentCVersion")
        }
        return .create(path: path, data: data, acl: acl, kind: kind, parentCVersion: parentCVersion)
    }

    private static func readMulti(session: Int64, from reader: inout JuteReader) throws(JuteError) -> [Txn] {
        let count = try reader.readInt32("MultiTxn.txns")
        guard count >= 0, Int(count) <= reader.remaining / 8 else {
            throw .badLength(field: "MultiTxn.txns", length: count)
        }
        var txns: [Txn] = []
        for _ in 0..<count {
            let type = try reader.readInt32("Txn.type")
            guard type != OpCode.multi.rawValue else { throw .invalidValue(field: "Txn.type", value: Int64(type)) }
            var inner = JuteReader(try reader.readBuffer("Txn.data") ?? [])
            txns.append(try read(type: type, session: session, from: &inner))
        }
        return txns
    }
}

/// A transaction with its header: the unit that is logged, replicated and applied.
public struct TxnEntry: Hashable, Sendable {
    public var header: TxnHeader
    public var txn: Txn

    public init(header: TxnHeader, txn: Txn) {
        self.header = header
        self.txn = txn
    }

    public var zxid: Int64 { header.zxid }

    /// Header then body, as ZooKeeper's log stores a transaction.
    public func bytes() -> [UInt8] {
        var writer = JuteWriter(capacity: 96)
        header.write(to: &writer)
        txn.write(to: &writer)
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(JuteError) -> TxnEntry {
        var reader = JuteReader(bytes)
        let header = try TxnHeader(from: &reader)
        let txn = try Txn.read(type: header.type, session: header.session, from: &reader)
        return TxnEntry(header: header, txn: txn)
    }
}
