/// A reply body after its ReplyHeader. Which case an op gets is fixed by the op
/// (`Response.read(op:from:)` is its inverse); an error reply has no body at all.
public enum Response: Hashable, Sendable {
    /// delete, check, ping, auth, setWatches, closeSession, removeWatches, checkWatches, addWatch.
    case empty
    /// create (CreateResponse) and sync (SyncResponse).
    case path(String)
    /// create2, createContainer and createTTL (Create2Response).
    case created(path: String, stat: Stat)
    /// exists, setData and setACL.
    case stat(Stat)
    case data([UInt8]?, Stat)
    /// getChildren and getEphemerals.
    case children([String])
    case children2([String], Stat)
    case acl([ACL], Stat)
    case count(Int32)
    case whoAmI([ClientInfo])
    case multi([MultiResult])
    /// SetSASLResponse: the server's next SASL token; nil (length -1) with a refusal.
    case sasl([UInt8]?)
    /// addWatch answers with an ErrorResponse record holding 0.
    case errorResponse(ErrorCode)

    public func write(to writer: inout JuteWriter) {
        switch self {
        case .empty:
            break
        case .path(let path):
            writer.write(path)
        case .created(let path, let stat):
            writer.write(path)
            writer.write(stat)
        case .stat(let stat):
            writer.write(stat)
        case .data(let data, let stat):
            writer.write(data)
            writer.write(stat)
        case .children(let children):
            writer.write(children)
        case .children2(let children, let stat):
            writer.write(children)
            writer.write(stat)
        case .acl(let acl, let stat):
            writer.write(acl)
            writer.write(stat)
        case .count(let count):
            writer.write(count)
        case .whoAmI(let infos):
            writer.write(infos)
        case .sasl(let token):
            writer.write(token)
        case .multi(let results):
            for result in results { result.write(to: &writer) }
            MultiHeader.end.write(to: &writer)
        case .errorResponse(let code):
            writer.write(code.rawValue)
        }
    }

    /// Reads the body of a successful reply to `op`.
    public static func read(op: OpCode, from reader: inout JuteReader) throws(JuteError) -> Response {
        switch op {
        case .create, .sync:
            return .path(try reader.readString("path"))
        case .create2, .createContainer, .createTTL:
            return .created(path: try reader.readString("path"), stat: try reader.read(Stat.self))
        case .exists, .setData, .setACL:
            return .stat(try reader.read(Stat.self))
        case .getData:
            return .data(try reader.readBuffer("data"), try reader.read(Stat.self))
        case .getChildren, .getEphemerals:
            return .children(try reader.readStrings("children"))
        case .getChildren2:
            return .children2(try reader.readStrings("children"), try reader.read(Stat.self))
        case .getACL:
            return .acl(try reader.readRecords(ACL.self, "acl", minimumSize: 12), try reader.read(Stat.self))
        case .getAllChildrenNumber:
            return .count(try reader.readInt32("totalNumber"))
        case .whoAmI:
            return .whoAmI(try reader.readRecords(ClientInfo.self, "clientInfo", minimumSize: 8))
        case .sasl:
            return .sasl(try reader.readBuffer("token"))
        case .multi, .multiRead:
            return .multi(try MultiResult.readAll(from: &reader))
        case .addWatch:
            return reader.isAtEnd ? .empty : .errorResponse(ErrorCode(rawValue: try reader.readInt32("err")))
        default:
            return .empty
        }
    }
}

/// One op's result inside a multi or multiRead response.
public enum MultiResult: Hashable, Sendable {
    case create(path: String)
    case create2(path: String, stat: Stat)
    case delete
    case setData(Stat)
    case check
    case getData([UInt8]?, Stat)
    case getChildren([String])
    case error(ErrorCode)

    public var error: ErrorCode? {
        if case .error(let code) = self { return code }
        return nil
    }

    private var header: MultiHeader {
        switch self {
        case .create: return MultiHeader(type: OpCode.create.rawValue, done: false, err: 0)
        case .create2: return MultiHeader(type: OpCode.create2.rawValue, done: false, err: 0)
        case .delete: return MultiHeader(type: OpCode.delete.rawValue, done: false, err: 0)
        case .setData: return MultiHeader(type: OpCode.setData.rawValue, done: false, err: 0)
        case .check: return MultiHeader(type: OpCode.check.rawValue, done: false, err: 0)
        case .getData: return MultiHeader(type: OpCode.getData.rawValue, done: false, err: 0)
        case .getChildren: return MultiHeader(type: OpCode.getChildren.rawValue, done: false, err: 0)
        case .error(let code): return MultiHeader(type: OpCode.error.rawValue, done: false, err: code.rawValue)
        }
    }

    public func write(to writer: inout JuteWriter) {
        header.write(to: &writer)
        switch self {
        case .create(let path):
            writer.write(path)
        case .create2(let path, let stat):
            writer.write(path)
            writer.write(stat)
        case .delete, .check:
            break
        case .setData(let stat):
            writer.write(stat)
        case .getData(let data, let stat):
            writer.write(data)
            writer.write(stat)
        case .getChildren(let children):
            writer.write(children)
        case .error(let code):
            writer.write(code.rawValue)
        }
    }

    static func readAll(from reader: inout JuteReader) throws(JuteError) -> [MultiResult] {
        var results: [MultiResult] = []
        while true {
            let header = try MultiHeader(from: &reader)
            if header.done { return results }
            results.append(try read(header: header, from: &reader))
        }
    }

    private static func read(header: MultiHeader, from reader: inout JuteReader) throws(JuteError) -> MultiResult {
        switch OpCode(rawValue: header.type) {
        case .create: return .create(path: try reader.readString("path"))
        case .create2: return .create2(path: try reader.readString("path"), stat: try reader.read(Stat.self))
        case .delete: return .delete
        case .setData: return .setData(try reader.read(Stat.self))
        case .check: return .check
        case .getData: return .getData(try reader.readBuffer("data"), try reader.read(Stat.self))
        case .getChildren: return .getChildren(try reader.readStrings("children"))
        case .error: return .error(ErrorCode(rawValue: try reader.readInt32("ErrorResponse.err")))
        default: throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
        }
    }
}
