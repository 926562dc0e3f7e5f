import CorralTLS
import KeeperFraming
import KeeperProtocol
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Where a watcher's events go.
enum WatcherSink {
    /// A one-shot watch: its single event, or why there will be none.
    case oneShot(EventLoopPromise<WatchedEvent>)
    /// A persistent watch: events until it is removed.
    case stream(AsyncThrowingStream<WatchedEvent, any Error>.Continuation, path: String)
}

/// Runs a `SessionMachine` on one event loop and carries out its actions: connections,
/// writes, the tick timer, and the promises and streams callers wait on. Everything it
/// owns is touched only on that loop, so it needs no lock; callers reach it through a
/// `NIOLoopBoundBox`.
///
/// Steps run to completion: an event that arrives while the actions of another are being
/// carried out (closing a channel reports its end at once) waits its turn, so the
/// machine never sees an event in the middle of another.
final class SessionDriver {
    private var machine: SessionMachine
    private let loop: any EventLoop
    private let chroot: Chroot
    private let configuration: KeeperClient.Configuration
    /// Every connection's TLS context, when the configuration asks for TLS.
    private let tls: NIOSSLContext?
    /// Why the last TLS handshake failed, reported when no session comes in time.
    private var tlsFailure: String?
    private var logger: Logger { configuration.logger }
    /// Set by `start`; weak because the box owns the driver.
    private weak var box: NIOLoopBoundBox<SessionDriver>?

    private var channels: [ConnectionID: any Channel] = [:]
    private var calls: [Ticket: EventLoopPromise<Response>] = [:]
    private var sinks: [WatcherID: WatcherSink] = [:]
    private var subscribers: [UInt64: AsyncStream<SessionEvent>.Continuation] = [:]
    private var connectionWaiters: [UInt64: EventLoopPromise<Void>] = [:]
    private var nextWaiter: UInt64 = 0
    private var nextTicket: UInt64 = 0
    private var nextWatcher: UInt64 = 0
    private var nextSubscriber: UInt64 = 0
    private var timer: RepeatedTask?
    private var backlog = CircularBuffer<(inout SessionMachine) -> [SessionAction]>()
    private var isStepping = false

    init(
        machine: SessionMachine, loop: any EventLoop, chroot: Chroot, configuration: KeeperClient.Configuration,
        tls: NIOSSLContext? = nil
    ) {
        self.tls = tls
        self.machine = machine
        self.loop = loop
        self.chroot = chroot
        self.configuration = configuration
    }

    var state: SessionState { machine.state }
    var credentials: SessionCredentials? { machine.credentials }
    var lastZxidSeen: Int64 { machine.lastZxidSeen }

    func start(box: NIOLoopBoundBox<SessionDriver>) {
        self.box = box
        let tick = configuration.tickInterval.timeAmount
        timer = loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            box.value.step { $0.tick(now: .now) }
        }
        step { $0.start(now: .now) }
    }

    // MARK: Calls

    /// Sends `request`; `watch` asks for a watcher that the reply will register.
    func submit(_ request: Request, watch: WatchIntent.Kind? = nil, path: String? = nil) -> Submitted {
        let ticket = makeTicket()
        let promise = loop.makePromise(of: Response.self)
        calls[ticket] = promise
        var intent: WatchIntent?
        var watchFuture: EventLoopFuture<WatchedEvent>?
        if let watch, let path {
            let id = makeWatcherID()
            intent = WatchIntent(id: id, kind: watch, path: path)
            let eventPromise = loop.makePromise(of: WatchedEvent.self)
            sinks[id] = .oneShot(eventPromise)
            watchFuture = eventPromise.futureResult
        }
        step { $0.submit(request, ticket: ticket, watch: intent, now: .now) }
        return Submitted(response: promise.futureResult, watcher: intent?.id, event: watchFuture)
    }

    struct Submitted: Sendable {
        var response: EventLoopFuture<Response>
        var watcher: WatcherID?
        var event: EventLoopFuture<WatchedEvent>?
    }

    /// addWatch: the stream starts receiving once the server confirmed the watch.
    func addWatch(path: String, recursive: Bool) -> (
        EventLoopFuture<Response>, AsyncThrowingStream<WatchedEvent, any Error>
    ) {
        let ticket = makeTicket()
        let promise = loop.makePromise(of: Response.self)
        calls[ticket] = promise
        let id = makeWatcherID()
        let (stream, continuation) = AsyncThrowingStream<WatchedEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(configuration.watchEventsBufferedMax))
        if let box {
            continuation.onTermination = { _ in box.eventLoop.execute { box.value.streamTerminated(id) } }
        }
        sinks[id] = .stream(continuation, path: path)
        let mode: AddWatchMode = recursive ? .persistentRecursive : .persistent
        let intent = WatchIntent(id: id, kind: recursive ? .persistentRecursive : .persistent, path: path)
        step { $0.submit(.addWatch(path: path, mode: mode.rawValue), ticket: ticket, watch: intent, now: .now) }
        return (promise.futureResult, stream)
    }

    func authenticate(_ auth: Authentication) -> EventLoopFuture<Response> {
        let ticket = makeTicket()
        let promise = loop.makePromise(of: Response.self)
        calls[ticket] = promise
        step { $0.authenticate(scheme: auth.scheme, credentials: auth.credentials, ticket: ticket, now: .now) }
        return promise.futureResult
    }

    func close() -> EventLoopFuture<Void> {
        let ticket = makeTicket()
        let promise = loop.makePromise(of: Response.self)
        calls[ticket] = promise
        step { $0.close(ticket, now: .now) }
        return promise.futureResult.map { _ in () }
    }

    /// The owner is gone without calling close(): close the session so it stops pinging.
    func abandon() {
        step { $0.close(nil, now: .now) }
    }

    /// A one-shot watch's waiter was cancelled: the watch is dropped.
    func cancelWatcher(_ id: WatcherID) {
        guard case .oneShot(let promise) = sinks.removeValue(forKey: id) else { return }
        promise.fail(CancellationError())
        step { $0.removeWatcher(id, now: .now) }
    }

    /// A persistent watch's consumer stopped iterating (or we finished the stream).
    func streamTerminated(_ id: WatcherID) {
        guard sinks.removeValue(forKey: id) != nil else { return }
        step { $0.removeWatcher(id, now: .now) }
    }

    func sessionEvents() -> AsyncStream<SessionEvent> {
        let (stream, continuation) = AsyncStream<SessionEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(configuration.sessionEventsBufferedMax))
        guard !machine.state.isTerminal else {
            continuation.finish()
            return stream
        }
        nextSubscriber += 1
        let key = nextSubscriber
        subscribers[key] = continuation
        if let box {
            continuation.onTermination = { _ in box.eventLoop.execute { box.value.subscribers[key] = nil } }
        }
        return stream
    }

    /// Succeeds once the session is connected; fails if it ends first or `timeout` passes.
    func waitUntilConnected(timeout: Duration) -> EventLoopFuture<Void> {
        switch machine.state {
        case .connected: return loop.makeSucceededVoidFuture()
        case .closing, .closed, .expired, .authFailed:
            return loop.makeFailedFuture(SessionMachine.failure(endedIn: machine.state).error)
        case .connecting: break
        }
        let promise = loop.makePromise(of: Void.self)
        nextWaiter += 1
        let key = nextWaiter
        connectionWaiters[key] = promise
        guard let box else { return promise.futureResult }
        let expiry = loop.scheduleTask(in: timeout.timeAmount) {
            let failure: any Error =
                box.value.tlsFailure.map { KeeperClientError.tlsHandshakeFailed(reason: $0) }
                ?? KeeperError(.connectionLoss)
            box.value.connectionWaiters.removeValue(forKey: key)?.fail(failure)
        }
        promise.futureResult.whenComplete { _ in expiry.cancel() }
        return promise.futureResult
    }

    // MARK: Transport

    func onFrame(_ frame: [UInt8], on id: ConnectionID) {
        tlsFailure = nil
        step { $0.received(frame, on: id, now: .now) }
    }

    func onConnectionClosed(_ id: ConnectionID) {
        guard channels.removeValue(forKey: id) != nil else { return }
        logger.debug("connection closed", metadata: ["connection": "\(id.rawValue)"])
        step { $0.connectionFailed(id, now: .now) }
    }

    /// The connection is closed after this; only a frame over the bound is worth a warning,
    /// resets and the like are what reconnecting is for.
    func onConnectionError(_ error: any Error, on id: ConnectionID) {
        if let error = error as? FrameLengthError {
            // In the words of ZooKeeper's Java client.
            let text = "Packet len \(error.length) is out of range (0...\(error.lengthMax))"
            logger.warning(
                "server sent a frame over packetLengthMax; dropping the connection",
                metadata: ["connection": "\(id.rawValue)", "error": "\(text)"])
        } else if error is NIOSSLError || error is BoringSSLError {
            tlsFailure = "\(error)"
            logger.warning("TLS handshake failed", metadata: ["connection": "\(id.rawValue)", "error": "\(error)"])
        } else {
            logger.info("connection error", metadata: ["connection": "\(id.rawValue)", "error": "\(error)"])
        }
    }

    private func connect(_ id: ConnectionID, to host: ConnectString.Host, timeout: Duration) {
        guard let box else { return }
        let frameLengthMax = configuration.packetLengthMax + Frame.headerAllowance
        let tls = self.tls
        logger.debug("connecting", metadata: ["host": "\(host)", "connection": "\(id.rawValue)"])
        ClientBootstrap(group: loop)
            .connectTimeout(timeout.timeAmount)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(
                                context: tls, serverHostname: TLSContextFactory.serverName(for: host.name)))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(
                            LengthPrefixedFrameDecoder(lengthMax: frameLengthMax, limit: "packetLengthMax")),
                        ConnectionHandler(id: id, driver: box))
                }
            }
            .connect(host: host.name, port: host.port)
            .whenComplete { result in box.value.connectCompleted(id, result) }
    }

    private func connectCompleted(_ id: ConnectionID, _ result: Result<any Channel, any Error>) {
        switch result {
        case .success(let channel):
            guard channel.isActive else {
                step { $0.connectionFailed(id, now: .now) }
                return
            }
            channels[id] = channel
            step { $0.connectionEstablished(id, now: .now) }
        case .failure(let error):
            // The last failure was not TLS's: a later timeout must not blame TLS.
            tlsFailure = nil
            logger.info("connect failed", metadata: ["connection": "\(id.rawValue)", "error": "\(error)"])
            step { $0.connectionFailed(id, now: .now) }
        }
    }

    // MARK: Stepping the machine

    /// Feeds one event to the machine and carries out its actions, after any step in progress.
    private func step(_ event: @escaping (inout SessionMachine) -> [SessionAction]) {
        backlog.append(event)
        guard !isStepping else { return }
        isStepping = true
        defer { isStepping = false }
        while let next = backlog.popFirst() {
            for action in next(&machine) { execute(action) }
        }
    }

    private func execute(_ action: SessionAction) {
        switch action {
        case .connect(let id, let host, let timeout):
            connect(id, to: host, timeout: timeout)
        case .send(let id, let bytes):
            channels[id]?.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        case .closeConnection(let id):
            channels.removeValue(forKey: id)?.close(promise: nil)
        case .succeed(let ticket, let response):
            calls.removeValue(forKey: ticket)?.succeed(response)
        case .fail(let ticket, let failure):
            calls.removeValue(forKey: ticket)?.fail(failure.error)
        case .deliver(let id, let event):
            deliver(WatchedEvent(type: event.type, state: event.state, path: chroot.clientPath(event.path)), to: id)
        case .endWatcher(let id, let failure):
            endWatcher(id, failure)
        case .emit(let event):
            emit(event)
        }
    }

    private func deliver(_ event: WatchedEvent, to id: WatcherID) {
        switch sinks[id] {
        case .oneShot(let promise):
            sinks[id] = nil
            promise.succeed(event)
        case .stream(let continuation, let path):
            switch continuation.yield(event) {
            case .enqueued: break
            case .dropped:
                let limit = configuration.watchEventsBufferedMax
                logger.warning("watch consumer too slow, removing the watch", metadata: ["path": "\(path)"])
                sinks[id] = nil
                continuation.finish(
                    throwing: KeeperClientError.watchEventsOverflow(path: chroot.clientPath(path), limit: limit))
                step { $0.removeWatcher(id, now: .now) }
            case .terminated:
                sinks[id] = nil
                step { $0.removeWatcher(id, now: .now) }
            @unknown default:
                break
            }
        case nil:
            break
        }
    }

    private func endWatcher(_ id: WatcherID, _ failure: RequestFailure?) {
        switch sinks.removeValue(forKey: id) {
        case .oneShot(let promise):
            promise.fail((failure ?? .client(.closed)).error)
        case .stream(let continuation, _):
            if let failure, failure != .client(.closed) {
                continuation.finish(throwing: failure.error)
            } else {
                continuation.finish()
            }
        case nil:
            break
        }
    }

    private func emit(_ event: SessionEvent) {
        logger.info("session \(event)")
        for subscriber in subscribers.values { subscriber.yield(event) }
        switch event {
        case .connected, .reconnected:
            for waiter in connectionWaiters.values { waiter.succeed() }
            connectionWaiters = [:]
        case .suspended:
            break
        case .expired, .closed, .authFailed:
            shutDown()
        }
    }

    /// The session ended: stop the timer, release every waiter and subscriber.
    private func shutDown() {
        timer?.cancel()
        timer = nil
        let error = SessionMachine.failure(endedIn: machine.state).error
        for waiter in connectionWaiters.values { waiter.fail(error) }
        connectionWaiters = [:]
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
        for channel in channels.values { channel.close(promise: nil) }
        channels = [:]
    }

    private func makeTicket() -> Ticket {
        nextTicket += 1
        return Ticket(rawValue: nextTicket)
    }

    private func makeWatcherID() -> WatcherID {
        nextWatcher += 1
        return WatcherID(rawValue: nextWatcher)
    }
}

extension RequestFailure {
    /// The error a caller sees; the client adds the path.
    var error: any Error {
        switch self {
        case .code(let code): return KeeperError(code)
        case .client(let error): return error
        }
    }
}
