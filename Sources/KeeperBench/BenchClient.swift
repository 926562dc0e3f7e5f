import KeeperFraming
import KeeperProtocol
import NIOCore
import NIOPosix
import Synchronization

/// What one client did in one phase.
struct PhaseResult: Sendable {
    var histograms: [RequestKind: Histogram] = [:]
    /// Error replies by code (connection loss counts every request it cut off).
    var errors: [Int32: Int] = [:]
    var completed = 0
    /// Creates sent by a timed create phase (cleanup deletes them all).
    var createsIssued = 0

    var errorCount: Int { errors.values.reduce(0, +) }

    mutating func merge(_ other: PhaseResult) {
        for (kind, histogram) in other.histograms { histograms[kind, default: Histogram()].merge(histogram) }
        for (code, count) in other.errors { errors[code, default: 0] += count }
        completed += other.completed
        createsIssued += other.createsIssued
    }
}

/// Counters the progress line reads from another thread while the client runs.
final class ClientCounters: Sendable {
    let completed = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
}

/// One benchmark client: one connection, one session, and up to `limit` requests in flight.
/// Replies of a session come back in request order, so the requests in flight are a FIFO
/// queue of (xid, kind, send time); a reply that is not for the queue's head breaks the
/// protocol and closes the connection. Everything runs on the channel's event loop.
final class BenchClientHandler: ChannelInboundHandler {
    typealias InboundIn = LengthPrefixedFrame
    typealias OutboundOut = ByteBuffer

    private struct InFlight {
        var xid: Int32
        var kind: RequestKind
        var sentAt: UInt64
    }

    private enum State {
        case connecting(EventLoopPromise<ConnectResponse>)
        case idle
        case running(source: RequestSource, limit: Int, promise: EventLoopPromise<PhaseResult>)
        case draining(promise: EventLoopPromise<PhaseResult>)
        case closing(xid: Int32, promise: EventLoopPromise<Void>)
        case closed
    }

    private var state: State
    private var context: ChannelHandlerContext?
    private var inFlight = CircularBuffer<InFlight>(initialCapacity: 64)
    private var result = PhaseResult()
    /// Replies of the last phase that ended on its own (its source ran dry or the
    /// connection closed), for a stop that comes after that.
    private var finishedCompleted = 0
    private var nextXid: Int32 = 1
    private var lastSent: UInt64 = 0
    private var pinger: RepeatedTask?
    let counters: ClientCounters

    init(connected: EventLoopPromise<ConnectResponse>, counters: ClientCounters) {
        state = .connecting(connected)
        self.counters = counters
    }

    private static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
    }

    /// Sends the ConnectRequest; the promise completes with the server's answer.
    func sendHandshake(timeout: Int32) {
        guard let context else { return }
        let request = ConnectRequest(timeout: timeout)
        send(Frame.encode { request.write(to: &$0) }, context: context, flush: true)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The decoder looks for no four-letter words: every frame is a packet.
        guard case .packet(var frame) = Self.unwrapInboundIn(data) else { return }
        if case .connecting(let promise) = state {
            onConnectResponse(frame, promise: promise, context: context)
            return
        }
        guard let xid = frame.readInteger(as: Int32.self), let zxid = frame.readInteger(as: Int64.self),
            let err = frame.readInteger(as: Int32.self)
        else {
            fail(.protocolViolation("reply shorter than its header"), context: context)
            return
        }
        onReply(ReplyHeader(xid: xid, zxid: zxid, err: ErrorCode(rawValue: err)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        pinger?.cancel()
        pinger = nil
        let lost = inFlight.count
        inFlight.removeAll()
        if lost > 0 {
            result.errors[ErrorCode.connectionLoss.rawValue, default: 0] += lost
            counters.errors.add(lost, ordering: .relaxed)
        }
        switch state {
        case .connecting(let promise):
            promise.fail(BenchError.connectFailed("the server closed the connection during the handshake"))
        case .running(_, _, let promise), .draining(let promise):
            if lost == 0 { result.errors[ErrorCode.connectionLoss.rawValue, default: 0] += 1 }
            promise.succeed(takeResult())
        case .closing(_, let promise):
            promise.succeed(())
        case .idle, .closed:
            break
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func onConnectResponse(
        _ frame: ByteBuffer, promise: EventLoopPromise<ConnectResponse>, context: ChannelHandlerContext
    ) {
        do {
            let response = try ConnectResponse.decode(Array(frame.readableBytesView))
            guard response.timeout > 0 && response.sessionId != 0 else {
                state = .closed
                promise.fail(BenchError.sessionRefused("the server answered with timeout 0"))
                context.close(promise: nil)
                return
            }
            state = .idle
            startPinging(timeoutMs: Int64(response.timeout), context: context)
            promise.succeed(response)
        } catch {
            state = .closed
            promise.fail(BenchError.protocolViolation("bad connect response: \(error)"))
            context.close(promise: nil)
        }
    }

    /// A session lives while the server hears from it; an idle client (between phases, or
    /// waiting for others) pings at a third of the timeout, as ZooKeeper's clients do.
    private func startPinging(timeoutMs: Int64, context: ChannelHandlerContext) {
        let interval = TimeAmount.milliseconds(max(timeoutMs / 3, 1))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.pingIfIdle(interval: UInt64(interval.nanoseconds))
        }
    }

    private func pingIfIdle(interval: UInt64) {
        guard let context, Self.now() &- lastSent >= interval / 2 else { return }
        switch state {
        case .idle, .running, .draining:
            send(Frame.request(xid: SpecialXid.ping, .ping), context: context, flush: true)
        default:
            break
        }
    }

    private func onReply(_ header: ReplyHeader, context: ChannelHandlerContext) {
        if header.xid == SpecialXid.ping || header.xid == SpecialXid.notification { return }
        if case .closing(let xid, let promise) = state, header.xid == xid {
            state = .closed
            context.close(promise: nil)
            promise.succeed(())
            return
        }
        guard let head = inFlight.first, head.xid == header.xid else {
            let expected = inFlight.first.map { "\($0.xid)" } ?? "none"
            fail(.protocolViolation("reply to xid \(header.xid), expected \(expected)"), context: context)
            return
        }
        inFlight.removeFirst()
        result.histograms[head.kind, default: Histogram()].record(Self.now() &- head.sentAt)
        result.completed += 1
        counters.completed.add(1, ordering: .relaxed)
        if header.err != 0 {
            result.errors[header.err, default: 0] += 1
            counters.errors.add(1, ordering: .relaxed)
        }
        refill(context: context, flush: false)
    }

    private func fail(_ error: BenchError, context: ChannelHandlerContext) {
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    // MARK: Phases

    /// Runs `source` with at most `limit` requests in flight; completes when the source is
    /// exhausted (or stopped) and every reply is in.
    func startPhase(_ source: RequestSource, limit: Int, promise: EventLoopPromise<PhaseResult>) {
        guard let context, case .idle = state else {
            promise.fail(BenchError.connectFailed("the connection is closed"))
            return
        }
        result = PhaseResult()
        state = .running(source: source, limit: limit, promise: promise)
        refill(context: context, flush: true)
    }

    /// Stops sending; the phase completes once the replies in flight are in. Returns how
    /// many replies had come in by now.
    func stopIssuing() -> Int {
        switch state {
        case .running(let source, _, let promise):
            if case .timed(let timed) = source { result.createsIssued = timed.createsIssued }
            let completed = result.completed
            state = .draining(promise: promise)
            if inFlight.isEmpty { finishPhase() }
            return completed
        case .draining:
            return result.completed
        default:
            return finishedCompleted
        }
    }

    private func refill(context: ChannelHandlerContext, flush: Bool) {
        guard case .running(var source, let limit, let promise) = state else {
            if case .draining = state, inFlight.isEmpty { finishPhase() }
            return
        }
        var exhausted = false
        var wrote = false
        while inFlight.count < limit {
            let xid = nextXid
            let outgoing: Outgoing?
            switch source {
            case .finite(var finite):
                outgoing = finite.next(xid: xid)
                source = .finite(finite)
            case .timed(var timed):
                outgoing = timed.next(xid: xid)
                source = .timed(timed)
            }
            guard let outgoing else {
                exhausted = true
                break
            }
            nextXid = nextXid == Int32.max ? 1 : nextXid + 1
            let sentAt = Self.now()
            inFlight.append(InFlight(xid: xid, kind: outgoing.kind, sentAt: sentAt))
            send(outgoing.frame, context: context, flush: false)
            wrote = true
        }
        if exhausted {
            state = .draining(promise: promise)
            if inFlight.isEmpty { finishPhase() }
        } else {
            state = .running(source: source, limit: limit, promise: promise)
        }
        if wrote && flush { context.flush() }
    }

    private func finishPhase() {
        guard case .draining(let promise) = state else { return }
        state = .idle
        promise.succeed(takeResult())
    }

    private func takeResult() -> PhaseResult {
        defer { result = PhaseResult() }
        finishedCompleted = result.completed
        return result
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext, flush: Bool) {
        lastSent = Self.now()
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        if flush {
            context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
        } else {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
        }
    }

    /// Ends the session (closeSession), then the connection.
    func close(promise: EventLoopPromise<Void>) {
        guard let context else {
            promise.succeed(())
            return
        }
        switch state {
        case .idle:
            let xid = nextXid
            state = .closing(xid: xid, promise: promise)
            send(Frame.request(xid: xid, .closeSession), context: context, flush: true)
        case .closed:
            promise.succeed(())
        default:
            state = .closed
            context.close(promise: nil)
            promise.succeed(())
        }
    }
}
