/// Jute encoding of request bodies, keyed by op code.
extension Request {
    /// Reads the body that follows a RequestHeader of type `type`.
    public static func read(type: Int32, from reader: inout JuteReader) throws(JuteError) -> Request {
        guard let op = OpCode(rawValue: type) else { return .unsupported(type: type) }
        switch op {
        case .create, .create2, .createContainer, .createTTL:
            return .create(try readCreate(op: op, from: &reader))
        case .delete:
            return .delete(path: try reader.readString("path"), version: try reader.readInt32("version"))
        case .exists:
            return .exists(path: try reader.readString("path"), watch: try reader.readBool("watch"))
        case .getData:
            return .getData(path: try reader.readString("path"), watch: try reader.readBool("watch"))
        case .setData:
            return .setData(
                path: try reader.readString("path"), data: try reader.readBuffer("data"),
                version: try reader.readInt32("version"))
        case .getACL:
            return .getACL(path: try reader.readString("path"))
        case .setACL:
            return .setACL(
                path: try reader.readString("path"), acl: try reader.readRecords(ACL.self, "acl", minimumSize: 12),
                version: try reader.readInt32("version"))
        case .getChildren:
            return .getChildren(path: try reader.readString("path"), watch: try reader.readBool("watch"))
        case .getChildren2:
            return .getChildren2(path: try reader.readString("path"), watch: try reader.readBool("watch"))
        case .sync:
            return .sync(path: try reader.readString("path"))
        case .ping:
            return .ping
        case .check:
            return .check(path: try reader.readString("path"), version: try reader.readInt32("version"))
        case .multi, .multiRead:
            let ops = try readMultiOps(from: &reader)
            return op == .multi ? .multi(ops) : .multiRead(ops)
        case .checkWatches:
            return .checkWatches(path: try reader.readString("path"), type: try reader.readInt32("type"))
        case .removeWatches:
            return .removeWatches(path: try reader.readString("path"), type: try reader.readInt32("type"))
        case .auth:
            _ = try reader.readInt32("AuthPacket.type")
            return .auth(scheme: try reader.readString("scheme"), credentials: try reader.readBuffer("auth") ?? [])
        case .setWatches, .setWatches2:
            return .setWatches(try readSetWatches(version2: op == .setWatches2, from: &reader))
        case .getEphemerals:
            return .getEphemerals(prefix: try reader.readString("prefixPath"))
        case .getAllChildrenNumber:
            return .getAllChildrenNumber(path: try reader.readString("path"))
        case .addWatch:
            return .addWatch(path: try reader.readString("path"), mode: try reader.readInt32("mode"))
        case .whoAmI:
            return .whoAmI
        case .closeSession:
            return .closeSession
        case .sasl:
            return .sasl(token: try reader.readBuffer("token") ?? [])
        case .notification, .reconfig, .deleteContainer, .createSession, .error:
            return .unsupported(type: type)
        }
    }

    private static func readCreate(op: OpCode, from reader: inout JuteReader) throws(JuteError) -> CreateRequest {
        let path = try reader.readString("path")
        let data = try reader.readBuffer("data")
        let acl = try reader.readRecords(ACL.self, "acl", minimumSize: 12)
        let flags = try reader.readInt32("flags")
        let ttl = op == .createTTL ? try reader.readInt64("ttl") : -1
        return CreateRequest(op: op, path: path, data: data, acl: acl, flags: flags, ttl: ttl)
    }

    private static func readSetWatches(version2: Bool, from reader: inout JuteReader) throws(JuteError) -> SetWatches {
        let zxid = try reader.readInt64("relativeZxid")
        let data = try reader.readStrings("dataWatches")
        let exist = try reader.readStrings("existWatches")
        let child = try reader.readStrings("childWatches")
        let persistent = version2 ? try reader.readStrings("persistentWatches") : []
        let recursive = version2 ? try reader.readStrings("persistentRecursiveWatches") : []
        return SetWatches(
            relativeZxid: zxid, dataWatches: data, existWatches: exist, childWatches: child,
            persistentWatches: persistent, persistentRecursiveWatches: recursive, isVersion2: version2)
    }

    /// The ops of a multi or multiRead: MultiHeader, op body, … until a header with done set.
    private static func readMultiOps(from reader: inout JuteReader) throws(JuteError) -> [Request] {
        var ops: [Request] = []
        while true {
            let header = try MultiHeader(from: &reader)
            if header.done { return ops }
            guard let op = OpCode(rawValue: header.type), Self.multiOps.contains(op) else {
                throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
            }
            ops.append(try read(type: header.type, from: &reader))
        }
    }

    /// The op codes a multi or multiRead may contain.
    public static let multiOps: Set<OpCode> = [
        .create, .create2, .createContainer, .createTTL, .delete, .setData, .check, .getChildren, .getData,
    ]

    /// Writes the body (not the header).
    public func write(to writer: inout JuteWriter) {
        switch self {
        case .create(let create):
            writer.write(create.path)
            writer.write(create.data)
            writer.write(create.acl)
            writer.write(create.flags)
            if create.op == .createTTL { writer.write(create.ttl) }
        case .delete(let path, let version), .check(let path, let version):
            writer.write(path)
            writer.write(version)
        case .exists(let path, let watch), .getData(let path, let watch), .getChildren(let path, let watch),
            .getChildren2(let path, let watch):
            writer.write(path)
            writer.write(watch)
        case .setData(let path, let data, let version):
            writer.write(path)
            writer.write(data)
            writer.write(version)
        case .getACL(let path), .sync(let path), .getAllChildrenNumber(let path), .getEphemerals(let path):
            writer.write(path)
        case .setACL(let path, let acl, let version):
            writer.write(path)
            writer.write(acl)
            writer.write(version)
        case .multi(let ops), .multiRead(let ops):
            for op in ops {
                MultiHeader(type: op.opCode, done: false, err: -1).write(to: &writer)
                op.write(to: &writer)
            }
            MultiHeader.end.write(to: &writer)
        case .checkWatches(let path, let type), .removeWatches(let path, let type), .addWatch(let path, let type):
            writer.write(path)
            writer.write(type)
        case .auth(let scheme, let credentials):
            writer.write(Int32(0))
            writer.write(scheme)
            writer.write(credentials)
        case .setWatches(let watches):
            writer.write(watches.relativeZxid)
            writer.write(watches.dataWatches)
            writer.write(watches.existWatches)
            writer.write(watches.childWatches)
            if watches.isVersion2 {
                writer.write(watches.persistentWatches)
                writer.write(watches.persistentRecursiveWatches)
            }
        case .sasl(let token):
            writer.write(token)
        case .ping, .whoAmI, .closeSession, .unsupported:
            break
        }
    }
}
