import KeeperProtocol

@testable import KeeperClient

/// Drives a `SessionMachine` by hand: a fake clock, server frames built from the real
/// records, and the client's frames decoded back into requests.
struct SessionHarness {
    var machine: SessionMachine
    var now = ContinuousClock.now
    private var ticketCounter: UInt64 = 0
    private var watcherCounter: UInt64 = 0

    static let hosts = [ConnectString.Host("a", 1), ConnectString.Host("b", 2)]

    init(
        hosts: [ConnectString.Host] = SessionHarness.hosts, settings: SessionMachine.Settings = .init(),
        authentications: [Authentication] = []
    ) {
        machine = SessionMachine(hosts: hosts, settings: settings, authentications: authentications)
    }

    mutating func ticket() -> Ticket {
        ticketCounter += 1
        return Ticket(rawValue: ticketCounter)
    }

    mutating func watcher() -> WatcherID {
        watcherCounter += 1
        return WatcherID(rawValue: watcherCounter)
    }

    mutating func advance(_ duration: Duration) -> [SessionAction] {
        now = now + duration
        return machine.tick(now: now)
    }

    /// Starts the machine and completes a handshake; returns the connection.
    mutating func connect(sessionID: Int64 = 0x1234, timeout: Int32 = 9_000) -> ConnectionID {
        let actions = machine.start(now: now)
        guard case .connect(let id, _, _) = actions.first else { preconditionFailure("no connect in \(actions)") }
        _ = machine.connectionEstablished(id, now: now)
        _ = machine.received(Self.connectResponse(sessionID: sessionID, timeout: timeout), on: id, now: now)
        return id
    }

    /// Runs the next connect action to a completed handshake.
    mutating func handshake(_ actions: [SessionAction], sessionID: Int64 = 0x1234, timeout: Int32 = 9_000)
        -> (ConnectionID, [SessionAction])
    {
        guard let id = Self.connects(actions).first?.0 else { preconditionFailure("no connect in \(actions)") }
        let hello = machine.connectionEstablished(id, now: now)
        let after = machine.received(Self.connectResponse(sessionID: sessionID, timeout: timeout), on: id, now: now)
        return (id, hello + after)
    }

    static func connectResponse(sessionID: Int64, timeout: Int32) -> [UInt8] {
        payload(
            Frame.encode {
                ConnectResponse(timeout: timeout, sessionId: sessionID, password: Array(repeating: 7, count: 16))
                    .write(to: &$0)
            })
    }

    static func reply(xid: Int32, zxid: Int64 = 1, _ code: ErrorCode = .ok, _ response: Response = .empty) -> [UInt8] {
        payload(Frame.reply(ReplyHeader(xid: xid, zxid: zxid, err: code), response))
    }

    static func notification(_ type: EventType, _ path: String) -> [UInt8] {
        payload(Frame.notification(WatcherEvent(type: type, path: path)))
    }

    /// A frame without its length prefix, as the decoder hands it on.
    static func payload(_ frame: [UInt8]) -> [UInt8] { Array(frame.dropFirst(4)) }

    // MARK: Reading actions

    static func connects(_ actions: [SessionAction]) -> [(ConnectionID, ConnectString.Host)] {
        actions.compactMap { if case .connect(let id, let host, _) = $0 { return (id, host) } else { return nil } }
    }

    /// The numbered requests and special packets sent, decoded (ConnectRequests, which
    /// have no RequestHeader, left out: no request uses xid 0).
    static func sent(_ actions: [SessionAction]) -> [(xid: Int32, request: Request)] {
        actions.compactMap { action in
            guard case .send(_, let frame) = action else { return nil }
            var reader = JuteReader(payload(frame))
            guard let header = try? RequestHeader(from: &reader), header.xid != 0,
                let request = try? Request.read(type: header.type, from: &reader)
            else { return nil }
            return (header.xid, request)
        }
    }

    /// The ConnectRequest a connection opened with (its first frame).
    static func connectRequest(_ actions: [SessionAction]) -> ConnectRequest? {
        for case .send(_, let frame) in actions { return try? ConnectRequest.decode(payload(frame)) }
        return nil
    }

    static func failures(_ actions: [SessionAction]) -> [Ticket: RequestFailure] {
        var result: [Ticket: RequestFailure] = [:]
        for case .fail(let ticket, let failure) in actions { result[ticket] = failure }
        return result
    }

    static func successes(_ actions: [SessionAction]) -> [Ticket: Response] {
        var result: [Ticket: Response] = [:]
        for case .succeed(let ticket, let response) in actions { result[ticket] = response }
        return result
    }

    static func events(_ actions: [SessionAction]) -> [SessionEvent] {
        actions.compactMap { if case .emit(let event) = $0 { return event } else { return nil } }
    }

    static func deliveries(_ actions: [SessionAction]) -> [(WatcherID, WatchedEvent)] {
        actions.compactMap { if case .deliver(let id, let event) = $0 { return (id, event) } else { return nil } }
    }
}
