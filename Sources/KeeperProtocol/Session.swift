/// The connect handshake and the headers around every request and reply.

/// The first frame a client sends. The trailing readOnly byte is optional: clients
/// older than 3.4 do not send it, so a frame that ends before it reads as false.
public struct ConnectRequest: Hashable, Sendable, JuteRecord {
    public var protocolVersion: Int32
    public var lastZxidSeen: Int64
    public var timeout: Int32
    public var sessionId: Int64
    public var password: [UInt8]
    /// nil when the client did not send the byte; the reply then leaves it out too.
    public var readOnly: Bool?

    public init(
        protocolVersion: Int32 = 0, lastZxidSeen: Int64 = 0, timeout: Int32, sessionId: Int64 = 0,
        password: [UInt8] = [UInt8](repeating: 0, count: 16), readOnly: Bool? = false
    ) {
        self.protocolVersion = protocolVersion
        self.lastZxidSeen = lastZxidSeen
        self.timeout = timeout
        self.sessionId = sessionId
        self.password = password
        self.readOnly = readOnly
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        protocolVersion = try reader.readInt32("ConnectRequest.protocolVersion")
        lastZxidSeen = try reader.readInt64("ConnectRequest.lastZxidSeen")
        timeout = try reader.readInt32("ConnectRequest.timeOut")
        sessionId = try reader.readInt64("ConnectRequest.sessionId")
        password = try reader.readBuffer("ConnectRequest.passwd") ?? []
        readOnly = reader.isAtEnd ? nil : try reader.readBool("ConnectRequest.readOnly")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(protocolVersion)
        writer.write(lastZxidSeen)
        writer.write(timeout)
        writer.write(sessionId)
        writer.write(password)
        if let readOnly { writer.write(readOnly) }
    }
}

/// The server's answer to a ConnectRequest. A timeout of 0 with session id 0 tells the
/// client its session expired (or its password was wrong).
public struct ConnectResponse: Hashable, Sendable, JuteRecord {
    public var protocolVersion: Int32
    public var timeout: Int32
    public var sessionId: Int64
    public var password: [UInt8]
    /// Sent only to clients that sent the byte in their request.
    public var readOnly: Bool?

    public init(
        protocolVersion: Int32 = 0, timeout: Int32, sessionId: Int64, password: [UInt8], readOnly: Bool? = false
    ) {
        self.protocolVersion = protocolVersion
        self.timeout = timeout
        self.sessionId = sessionId
        self.password = password
        self.readOnly = readOnly
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        protocolVersion = try reader.readInt32("ConnectResponse.protocolVersion")
        timeout = try reader.readInt32("ConnectResponse.timeOut")
        sessionId = try reader.readInt64("ConnectResponse.sessionId")
        password = try reader.readBuffer("ConnectResponse.passwd") ?? []
        readOnly = reader.isAtEnd ? nil : try reader.readBool("ConnectResponse.readOnly")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(protocolVersion)
        writer.write(timeout)
        writer.write(sessionId)
        writer.write(password)
        if let readOnly { writer.write(readOnly) }
    }
}

public struct RequestHeader: Hashable, Sendable, JuteRecord {
    public var xid: Int32
    public var type: Int32

    public init(xid: Int32, type: Int32) {
        self.xid = xid
        self.type = type
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        xid = try reader.readInt32("RequestHeader.xid")
        type = try reader.readInt32("RequestHeader.type")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(xid)
        writer.write(type)
    }
}

public struct ReplyHeader: Hashable, Sendable, JuteRecord {
    public var xid: Int32
    public var zxid: Int64
    public var err: Int32

    public init(xid: Int32, zxid: Int64, err: ErrorCode = .ok) {
        self.xid = xid
        self.zxid = zxid
        self.err = err.rawValue
    }

    public var error: ErrorCode { ErrorCode(rawValue: err) }

    public init(from reader: inout JuteReader) throws(JuteError) {
        xid = try reader.readInt32("ReplyHeader.xid")
        zxid = try reader.readInt64("ReplyHeader.zxid")
        err = try reader.readInt32("ReplyHeader.err")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(xid)
        writer.write(zxid)
        writer.write(err)
    }
}

public struct MultiHeader: Hashable, Sendable, JuteRecord {
    public var type: Int32
    public var done: Bool
    public var err: Int32

    public init(type: Int32, done: Bool, err: Int32) {
        self.type = type
        self.done = done
        self.err = err
    }

    /// The header that ends a multi request or response.
    public static let end = MultiHeader(type: -1, done: true, err: -1)

    public init(from reader: inout JuteReader) throws(JuteError) {
        type = try reader.readInt32("MultiHeader.type")
        done = try reader.readBool("MultiHeader.done")
        err = try reader.readInt32("MultiHeader.err")
    }

    public func write(to writer: inout JuteWriter) {
        writer.write(type)
        writer.write(done)
        writer.write(err)
    }
}
