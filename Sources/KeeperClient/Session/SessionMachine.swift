import KeeperProtocol
import NIOCore

/// Identifies one connection attempt; events from an older connection are ignored.
struct ConnectionID: Hashable, Sendable {
    let rawValue: UInt64
}

/// Why a request or a watcher ended without a result.
enum RequestFailure: Error, Hashable, Sendable {
    case code(ErrorCode)
    case client(KeeperClientError)
}

/// What the session machine asks its driver to do, in order.
enum SessionAction: Hashable, Sendable {
    case connect(ConnectionID, ConnectString.Host, timeout: Duration)
    case send(ConnectionID, [UInt8])
    case closeConnection(ConnectionID)
    case succeed(Ticket, Response)
    case fail(Ticket, RequestFailure)
    /// An event for one watcher (server path). One-shot watchers are already forgotten.
    case deliver(WatcherID, WatchedEvent)
    /// A watcher that will see no more events; nil when it was removed on purpose.
    case endWatcher(WatcherID, RequestFailure?)
    case emit(SessionEvent)
}

/// One ZooKeeper client session as a pure state machine: events in (a connection came
/// up, a frame arrived, a tick, a call), actions out (connect, send, complete a call,
/// deliver a watch event). No sockets and no clocks: the driver passes `now` in.
///
/// It follows ZooKeeper's Java client (`ClientCnxn`): replies match requests FIFO by xid,
/// with -1 notifications, -2 pings, -4 auth and -8 SetWatches handled aside; a lost
/// connection fails the requests in flight with ConnectionLoss and moves on to the next
/// host with the session id, password and last zxid seen; the new connection replays the
/// auth packets, then re-registers the watches with SetWatches so that missed events
/// fire, then sends what queued meanwhile. A ConnectResponse with timeout 0 means the
/// session expired. One departure: requests made while no server is reachable wait for
/// the next connection and fail only after every host has been tried once.
struct SessionMachine: Sendable {
    struct Settings: Sendable {
        var requestedTimeoutMilliseconds: Int32 = 10_000
        var outstandingRequestsMax = 1_000
        var watchesMax = 100_000
        var packetLengthMax = Frame.maxBufferDefault
        var setWatchesBatchBytesMax = 128 * 1024
        var reconnectDelayMin: Duration = .milliseconds(100)
        var reconnectDelayMax: Duration = .seconds(1)
        var closeTimeout: Duration = .seconds(2)
    }

    enum Phase: Hashable, Sendable {
        case idle
        case connecting(ConnectionID, since: ContinuousClock.Instant)
        case handshaking(ConnectionID, since: ContinuousClock.Instant)
        case connected(ConnectionID)
        /// Every host failed once; the next round starts at `until`.
        case waiting(until: ContinuousClock.Instant)
        case closing(ConnectionID, deadline: ContinuousClock.Instant)
        case ended(SessionState)
    }

    let settings: Settings
    private(set) var phase: Phase = .idle
    private(set) var credentials: SessionCredentials?
    /// The highest zxid in any reply, sent on reconnect and as SetWatches' relativeZxid.
    private(set) var lastZxidSeen: Int64 = 0
    private(set) var watches = WatchTable()
    private var hosts: HostRotation
    private var nextConnection: UInt64 = 0
    private var xids = XidCounter()
    private var pending = PendingRequests()
    private var queued = CircularBuffer<OutgoingRequest>()
    private var authentications: [Authentication]
    /// addAuth callers whose packet waits for a connection.
    private var authWaiters: [Authentication: [Ticket]] = [:]
    /// Auth packets sent on this connection, oldest first, with the callers they answer.
    private var pendingAuths = CircularBuffer<[Ticket]>()
    private var closeWaiters: [Ticket] = []
    private var hasConnected = false
    private var lastSent: ContinuousClock.Instant?
    private var lastReceived: ContinuousClock.Instant?

    init(
        hosts: [ConnectString.Host], settings: Settings, resuming session: SessionCredentials? = nil,
        authentications: [Authentication] = []
    ) {
        self.hosts = HostRotation(hosts)
        self.settings = settings
        self.credentials = session
        self.authentications = authentications
    }

    var state: SessionState {
        switch phase {
        case .idle, .connecting, .handshaking, .waiting: return .connecting
        case .connected: return .connected
        case .closing: return .closing
        case .ended(let state): return state
        }
    }

    var currentConnection: ConnectionID? {
        switch phase {
        case .connecting(let id, _), .handshaking(let id, _), .connected(let id), .closing(let id, _): return id
        case .idle, .waiting, .ended: return nil
        }
    }

    var outstandingRequests: Int { pending.count + queued.count }

    private var negotiatedTimeout: Duration {
        .milliseconds(Int64(credentials?.timeoutMilliseconds ?? settings.requestedTimeoutMilliseconds))
    }

    /// A connection that hears nothing for this long is dead (2/3 of the timeout, as in ZooKeeper).
    var readTimeout: Duration { negotiatedTimeout * 2 / 3 }
    /// Pings go out when nothing else was sent for this long (1/3 of the timeout).
    var pingInterval: Duration { negotiatedTimeout / 3 }

    /// One attempt (TCP connect and handshake) may take a share of the session timeout.
    var attemptTimeout: Duration {
        let share = Duration.milliseconds(Int64(settings.requestedTimeoutMilliseconds)) * 2 / 3 / hosts.hosts.count
        return max(share, .seconds(1))
    }

    // MARK: Lifecycle

    mutating func start(now: ContinuousClock.Instant) -> [SessionAction] {
        precondition(phase == .idle, "start in phase \(phase)")
        return connectNext(now: now)
    }

    /// Closes the session (closeSession, then the connection); `ticket` hears when it is done.
    mutating func close(_ ticket: Ticket?, now: ContinuousClock.Instant) -> [SessionAction] {
        switch phase {
        case .ended:
            return ticket.map { [.succeed($0, .empty)] } ?? []
        case .closing:
            closeWaiters += ticket.map { [$0] } ?? []
            return []
        case .connected(let id):
            closeWaiters += ticket.map { [$0] } ?? []
            phase = .closing(id, deadline: now + settings.closeTimeout)
            return send(OutgoingRequest(request: .closeSession, body: []), on: id, now: now)
        case .idle, .connecting, .handshaking, .waiting:
            closeWaiters += ticket.map { [$0] } ?? []
            return terminate(.closed)
        }
    }

    // MARK: Calls

    mutating func submit(
        _ request: Request, ticket: Ticket, watch: WatchIntent? = nil, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        var writer = JuteWriter()
        request.write(to: &writer)
        if let failure = refusal(bodyLength: writer.bytes.count, watching: watch != nil) {
            return [.fail(ticket, failure)] + (watch.map { [.endWatcher($0.id, failure)] } ?? [])
        }
        let outgoing = OutgoingRequest(request: request, body: writer.bytes, ticket: ticket, watch: watch)
        if case .connected(let id) = phase { return send(outgoing, on: id, now: now) }
        queued.append(outgoing)
        return []
    }

    /// Why a call cannot be taken, checked before it is queued.
    private func refusal(bodyLength: Int, watching: Bool) -> RequestFailure? {
        switch phase {
        case .ended(let state): return Self.failure(endedIn: state)
        case .closing: return .client(.closed)
        default: break
        }
        if outstandingRequests >= settings.outstandingRequestsMax {
            return .client(.tooManyOutstandingRequests(limit: settings.outstandingRequestsMax))
        }
        if watching && watches.count >= settings.watchesMax {
            return .client(.tooManyWatches(limit: settings.watchesMax))
        }
        // The frame's length counts the RequestHeader (xid and type) too.
        let length = bodyLength + 8
        if length > settings.packetLengthMax {
            return .client(.packetTooLarge(length: length, limit: settings.packetLengthMax))
        }
        return nil
    }

    /// Adds an auth packet to the session: sent now if connected, and again after every reconnect.
    mutating func authenticate(
        scheme: String, credentials: [UInt8], ticket: Ticket, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        if let failure = refusal(bodyLength: 8 + scheme.utf8.count + credentials.count, watching: false) {
            return [.fail(ticket, failure)]
        }
        let auth = Authentication(scheme: scheme, credentials: credentials)
        if !authentications.contains(auth) { authentications.append(auth) }
        guard case .connected(let id) = phase else {
            authWaiters[auth, default: []].append(ticket)
            return []
        }
        return sendAuth(auth, tickets: [ticket], on: id, now: now)
    }

    /// Forgets a local watcher (its consumer went away). When it was the last watch on a
    /// path that a persistent watch kept alive on the server, the server's is removed too.
    mutating func removeWatcher(_ id: WatcherID, now: ContinuousClock.Instant) -> [SessionAction] {
        guard let (kind, path) = watches.remove(id) else { return [] }
        guard !kind.isOneShot, !watches.hasWatchers(at: path), case .connected(let connection) = phase else {
            return []
        }
        let request = Request.removeWatches(path: path, type: WatcherType.any.rawValue)
        var writer = JuteWriter()
        request.write(to: &writer)
        return send(OutgoingRequest(request: request, body: writer.bytes), on: connection, now: now)
    }

    // MARK: Transport events

    mutating func connectionEstablished(_ id: ConnectionID, now: ContinuousClock.Instant) -> [SessionAction] {
        guard case .connecting(id, _) = phase else { return [.closeConnection(id)] }
        phase = .handshaking(id, since: now)
        lastReceived = now
        let request = ConnectRequest(
            lastZxidSeen: lastZxidSeen, timeout: settings.requestedTimeoutMilliseconds,
            sessionId: credentials?.id ?? 0,
            password: credentials?.password ?? [UInt8](repeating: 0, count: 16))
        lastSent = now
        return [.send(id, Frame.encode { request.write(to: &$0) })]
    }

    mutating func connectionFailed(_ id: ConnectionID, now: ContinuousClock.Instant) -> [SessionAction] {
        guard currentConnection == id else { return [] }
        if case .closing = phase { return terminate(.closed) }
        return connectionLost(now: now)
    }

    mutating func received(_ frame: [UInt8], on id: ConnectionID, now: ContinuousClock.Instant) -> [SessionAction] {
        guard currentConnection == id else { return [] }
        lastReceived = now
        var reader = JuteReader(frame)
        do throws(JuteError) {
            if case .handshaking = phase {
                return handshakeCompleted(try ConnectResponse(from: &reader), on: id, now: now)
            }
            return try reply(try ReplyHeader(from: &reader), body: &reader, now: now)
        } catch {
            return dropConnection(id, now: now)
        }
    }

    mutating func tick(now: ContinuousClock.Instant) -> [SessionAction] {
        switch phase {
        case .connecting(let id, let since), .handshaking(let id, let since):
            return now - since >= attemptTimeout ? dropConnection(id, now: now) : []
        case .connected(let id):
            if let lastReceived, now - lastReceived >= readTimeout { return dropConnection(id, now: now) }
            if let lastSent, now - lastSent >= pingInterval { return sendPing(on: id, now: now) }
            return []
        case .waiting(let until):
            return now >= until ? connectNext(now: now) : []
        case .closing(_, let deadline):
            return now >= deadline ? terminate(.closed) : []
        case .idle, .ended:
            return []
        }
    }

    // MARK: Connecting

    private mutating func connectNext(now: ContinuousClock.Instant) -> [SessionAction] {
        let host = hosts.next()
        nextConnection += 1
        let id = ConnectionID(rawValue: nextConnection)
        phase = .connecting(id, since: now)
        return [.connect(id, host, timeout: attemptTimeout)]
    }

    private mutating func handshakeCompleted(
        _ response: ConnectResponse, on id: ConnectionID, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        guard response.timeout > 0 else { return terminate(.expired) }
        credentials = SessionCredentials(
            id: response.sessionId, password: response.password, timeoutMilliseconds: response.timeout)
        hosts.succeeded()
        phase = .connected(id)
        var actions: [SessionAction] = [
            .emit(
                hasConnected ? .reconnected(sessionID: response.sessionId) : .connected(sessionID: response.sessionId))
        ]
        hasConnected = true
        for auth in authentications {
            actions += sendAuth(auth, tickets: authWaiters.removeValue(forKey: auth) ?? [], on: id, now: now)
        }
        for batch in watches.setWatches(relativeZxid: lastZxidSeen, batchBytesMax: settings.setWatchesBatchBytesMax) {
            actions += sendSetWatches(batch, on: id, now: now)
        }
        while let outgoing = queued.popFirst() {
            actions += send(outgoing, on: id, now: now)
        }
        return actions
    }

    /// Ends the current connection on the client's initiative (dead, corrupt, too slow).
    private mutating func dropConnection(_ id: ConnectionID, now: ContinuousClock.Instant) -> [SessionAction] {
        if case .closing = phase { return terminate(.closed) }
        return [.closeConnection(id)] + connectionLost(now: now)
    }

    private mutating func connectionLost(now: ContinuousClock.Instant) -> [SessionAction] {
        var actions: [SessionAction] = []
        if case .connected = phase { actions.append(.emit(.suspended)) }
        let loss = RequestFailure.code(.connectionLoss)
        for entry in pending.removeAll() { actions += fail(entry.outgoing, loss) }
        while let tickets = pendingAuths.popFirst() { actions += tickets.map { .fail($0, loss) } }
        guard hosts.roundFailed else { return actions + connectNext(now: now) }
        // Every host failed once: whoever waits for a connection hears about it now.
        while let outgoing = queued.popFirst() { actions += fail(outgoing, loss) }
        for tickets in authWaiters.values { actions += tickets.map { .fail($0, loss) } }
        authWaiters = [:]
        phase = .waiting(until: now + backoff)
        return actions
    }

    /// The pause before the next round of hosts: doubling from the minimum up to the maximum.
    private var backoff: Duration {
        let rounds = min(hosts.failedRounds, 16)
        return min(settings.reconnectDelayMin * (1 << max(rounds - 1, 0)), settings.reconnectDelayMax)
    }

    // MARK: Sending

    private mutating func send(
        _ outgoing: OutgoingRequest, on id: ConnectionID, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        let xid = xids.take()
        pending.append(xid: xid, outgoing)
        return [.send(id, frame(xid: xid, type: outgoing.request.opCode, body: outgoing.body, now: now))]
    }

    private mutating func sendAuth(
        _ auth: Authentication, tickets: [Ticket], on id: ConnectionID, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        pendingAuths.append(tickets)
        let request = Request.auth(scheme: auth.scheme, credentials: auth.credentials)
        return [.send(id, frame(xid: SpecialXid.auth, request, now: now))]
    }

    private mutating func sendSetWatches(
        _ batch: SetWatches, on id: ConnectionID, now: ContinuousClock.Instant
    ) -> [SessionAction] {
        return [.send(id, frame(xid: SpecialXid.setWatches, .setWatches(batch), now: now))]
    }

    private mutating func sendPing(on id: ConnectionID, now: ContinuousClock.Instant) -> [SessionAction] {
        [.send(id, frame(xid: SpecialXid.ping, .ping, now: now))]
    }

    private mutating func frame(xid: Int32, _ request: Request, now: ContinuousClock.Instant) -> [UInt8] {
        lastSent = now
        return Frame.request(xid: xid, request)
    }

    private mutating func frame(xid: Int32, type: Int32, body: [UInt8], now: ContinuousClock.Instant) -> [UInt8] {
        lastSent = now
        return Frame.encode { writer in
            RequestHeader(xid: xid, type: type).write(to: &writer)
            writer.writeRaw(body)
        }
    }

    // MARK: Replies

    private mutating func reply(
        _ header: ReplyHeader, body: inout JuteReader, now: ContinuousClock.Instant
    ) throws(JuteError) -> [SessionAction] {
        if header.zxid > 0 { lastZxidSeen = max(lastZxidSeen, header.zxid) }
        switch header.xid {
        case SpecialXid.notification:
            return notification(try WatcherEvent(from: &body))
        case SpecialXid.ping:
            return []
        case SpecialXid.auth:
            return authReply(header.error)
        case SpecialXid.setWatches:
            // Missed events came before it as notifications; the reply itself says nothing.
            return []
        default:
            switch pending.match(xid: header.xid) {
            case .matched(let entry):
                return try completed(entry.outgoing, header.error, body: &body)
            case .unexpected:
                guard let id = currentConnection else { return [] }
                return dropConnection(id, now: now)
            }
        }
    }

    private mutating func notification(_ event: WatcherEvent) -> [SessionAction] {
        guard let type = event.eventType else { return [] }
        let watched = WatchedEvent(type: type, state: event.keeperState ?? .syncConnected, path: event.path)
        return watches.trigger(type, path: event.path).map { .deliver($0, watched) }
    }

    private mutating func authReply(_ code: ErrorCode) -> [SessionAction] {
        let tickets = pendingAuths.popFirst() ?? []
        if code == .authFailed {
            return tickets.map { .fail($0, .code(.authFailed)) } + terminate(.authFailed)
        }
        if code != .ok { return tickets.map { .fail($0, .code(code)) } }
        return tickets.map { .succeed($0, .empty) }
    }

    private mutating func completed(
        _ outgoing: OutgoingRequest, _ code: ErrorCode, body: inout JuteReader
    ) throws(JuteError) -> [SessionAction] {
        if case .closeSession = outgoing.request { return terminate(.closed) }
        var actions = register(outgoing.watch, code)
        guard let ticket = outgoing.ticket else { return actions }
        guard code == .ok else { return actions + [.fail(ticket, .code(code))] }
        guard let op = OpCode(rawValue: outgoing.request.opCode) else { return actions + [.succeed(ticket, .empty)] }
        let response = try Response.read(op: op, from: &body)
        if case .removeWatches(let path, let type) = outgoing.request {
            actions += watchesRemoved(at: path, WatcherType(rawValue: type) ?? .any)
        }
        return actions + [.succeed(ticket, response)]
    }

    private mutating func register(_ intent: WatchIntent?, _ code: ErrorCode) -> [SessionAction] {
        guard let intent else { return [] }
        guard let kind = intent.registration(for: code) else { return [.endWatcher(intent.id, .code(code))] }
        watches.add(intent.id, kind, path: intent.path)
        return []
    }

    /// The server dropped watches at `path`; the local watchers hear of it like in the
    /// Java client: one-shot watchers get a *WatchRemoved event, persistent ones end.
    private mutating func watchesRemoved(at path: String, _ type: WatcherType) -> [SessionAction] {
        watches.removeAll(at: path, type).map { id, kind in
            switch kind {
            case .data, .exist: return .deliver(id, WatchedEvent(type: .dataWatchRemoved, path: path))
            case .child: return .deliver(id, WatchedEvent(type: .childWatchRemoved, path: path))
            case .persistent, .persistentRecursive: return .endWatcher(id, nil)
            }
        }
    }

    // MARK: Ending

    static func failure(endedIn state: SessionState) -> RequestFailure {
        switch state {
        case .expired: return .code(.sessionExpired)
        case .authFailed: return .code(.authFailed)
        default: return .client(.closed)
        }
    }

    private func fail(_ outgoing: OutgoingRequest, _ failure: RequestFailure) -> [SessionAction] {
        var actions: [SessionAction] = []
        if let ticket = outgoing.ticket { actions.append(.fail(ticket, failure)) }
        if let watch = outgoing.watch { actions.append(.endWatcher(watch.id, failure)) }
        return actions
    }

    /// The session is over: every waiting call and every watcher hears why, once.
    private mutating func terminate(_ state: SessionState) -> [SessionAction] {
        precondition(state.isTerminal, "terminate into \(state)")
        var actions: [SessionAction] = currentConnection.map { [.closeConnection($0)] } ?? []
        phase = .ended(state)
        let failure = Self.failure(endedIn: state)
        for entry in pending.removeAll() { actions += fail(entry.outgoing, failure) }
        while let outgoing = queued.popFirst() { actions += fail(outgoing, failure) }
        while let tickets = pendingAuths.popFirst() { actions += tickets.map { .fail($0, failure) } }
        for tickets in authWaiters.values { actions += tickets.map { .fail($0, failure) } }
        authWaiters = [:]
        actions += watches.removeEverything().map { .endWatcher($0, failure) }
        switch state {
        case .expired: actions.append(.emit(.expired))
        case .authFailed: actions.append(.emit(.authFailed))
        default: actions.append(.emit(.closed))
        }
        // Last, so that when close() returns everything above has happened.
        actions += closeWaiters.map { .succeed($0, .empty) }
        closeWaiters = []
        return actions
    }
}
