import KeeperCore
import KeeperProtocol

/// Requests on an open session: each is queued on its connection in arrival order; writes
/// are prepared at once, reads and already-decided replies wait their turn.
extension KeeperNode {
    mutating func onReceived(_ id: ConnectionID, xid: Int32, _ request: Request) {
        guard let connection = connections[id] else { return }
        guard connection.phase == .open else {
            if connection.phase != .closing {
                notice(.warning("closing connection from \(connection.address): request before the handshake finished"))
                close(id)
            }
            return
        }
        // ZooKeeper drops requests of a session that is closing or gone, without a reply.
        guard sessions.touch(connection.session, now: now.monotonic) else { return }
        touchedSessions.insert(connection.session)
        connections[id]!.stats.received += 1
        connections[id]!.stats.lastCxid = xid
        connections[id]!.stats.lastOp = Self.shortName(request)
        counters.received += 1
        enqueue(id, xid: xid, work: work(for: request, xid: xid, on: id))
        drain(id)
    }

    /// Decides what a request waits for.
    private mutating func work(for request: Request, xid: Int32, on id: ConnectionID) -> ClientConnection.Queued.Work {
        if let refusal = enforceAuthentication(request, xid: xid, on: id) { return refusal }
        switch request {
        case .auth(let scheme, let credentials):
            return authenticate(id, xid: xid, scheme: scheme, credentials: credentials)
        case .sasl(let token):
            return saslStep(id, xid: xid, token: token)
        case .unsupported(let type) where type != OpCode.reconfig.rawValue:
            notice(.warning("closing connection from \(connections[id]!.address): unsupported op \(type)"))
            connections[id]!.phase = .closing
            return .reply(ReplyHeader(xid: xid, zxid: -1, err: .unimplemented), .empty, closeAfter: true)
        case .sync(let path) where !isLeaderOrStandalone:
            let token = nextToken
            nextToken += 1
            syncWaits[token] = id
            sendToLeader(.syncRequest(token: token))
            return .sync(path: path, token: token)
        case .closeSession, .unsupported:
            return submitWrite(request, xid: xid, on: id)
        case _ where request.isWrite:
            return submitWrite(request, xid: xid, on: id)
        default:
            return .read(request)
        }
    }

    /// A write: prepared and proposed here on a leader (or standalone), handed to the leader
    /// by a follower. Its reply waits for the transaction to be applied.
    private mutating func submitWrite(_ request: Request, xid: Int32, on id: ConnectionID)
        -> ClientConnection.Queued.Work
    {
        let connection = connections[id]!
        if case .closeSession = request { connections[id]!.phase = .closing }
        pendingWrites[SessionXid(session: connection.session, xid: xid)] = id
        if isLeaderOrStandalone {
            let txn = prepareWrite(request, session: connection.session, ids: connection.ids)
            propose(txn, session: connection.session, cxid: xid)
        } else {
            sendToLeader(.forward(session: connection.session, cxid: xid, ids: connection.ids, request: request))
        }
        return .write(request)
    }

    /// The transaction for a write from any server's client (ZooKeeper's prep).
    mutating func prepareWrite(_ request: Request, session: Int64, ids: [Id]) -> Txn {
        switch request {
        case .closeSession:
            sessions.markClosing(session)
            return preparer.prepareCloseSession(session, in: tree, zxid: nextZxid())
        case .unsupported:
            // Dynamic reconfiguration is off, as it is by default in ZooKeeper: the refusal
            // is a transaction like any failed write.
            return .error(.reconfigDisabled)
        default:
            let context = RequestContext(session: session, ids: ids, zxid: nextZxid(), time: now.wall)
            return preparer.prepare(request, in: tree, context: context)
        }
    }

    /// Auth takes effect at once, so that requests behind it are prepared with the new
    /// identity; its reply still waits its turn. A refused auth ends the connection.
    private mutating func authenticate(
        _ id: ConnectionID, xid: Int32, scheme: String, credentials: [UInt8]
    ) -> ClientConnection.Queued.Work {
        guard let granted = config.digest.authenticate(scheme: scheme, credentials: credentials) else {
            counters.authFailures += 1
            notice(
                .warning("auth failed for scheme \(scheme) from \(connections[id]!.address); closing the connection"))
            connections[id]!.phase = .closing
            return .reply(ReplyHeader(xid: xid, zxid: 0, err: .authFailed), .empty, closeAfter: true)
        }
        for identity in granted where !connections[id]!.ids.contains(identity) {
            connections[id]!.ids.append(identity)
        }
        return .reply(ReplyHeader(xid: xid, zxid: 0), .empty, closeAfter: false)
    }

    /// ZooKeeper's `enforce.auth`: a connection without an identity of an enforced scheme
    /// may only authenticate; anything else (a ping too) closes it.
    private mutating func enforceAuthentication(
        _ request: Request, xid: Int32, on id: ConnectionID
    ) -> ClientConnection.Queued.Work? {
        let schemes = config.enforcedAuthSchemes
        guard !schemes.isEmpty else { return nil }
        switch request {
        case .auth, .sasl: return nil
        default: break
        }
        guard !connections[id]!.ids.contains(where: { schemes.contains($0.scheme) }) else { return nil }
        counters.authFailures += 1
        notice(
            .warning(
                "closing connection from \(connections[id]!.address): not authenticated with \(schemes.sorted().joined(separator: " or ")) (enforce.auth.enabled)"
            ))
        connections[id]!.phase = .closing
        return .reply(ReplyHeader(xid: xid, zxid: 0, err: .sessionClosedRequireSASLAuth), .empty, closeAfter: true)
    }

    /// One token of the connection's SASL exchange (DIGEST-MD5). Success adds `sasl:USER`
    /// (and `super:` for zookeeper.superUser); a refusal closes the connection with a null
    /// token, which both kazoo and Java's client read as failed authentication.
    private mutating func saslStep(_ id: ConnectionID, xid: Int32, token: [UInt8]) -> ClientConnection.Queued.Work {
        if connections[id]!.sasl == nil {
            saslExchanges += 1
            connections[id]!.sasl = SASLDigestServer(nonce: saslNonce(saslExchanges))
        }
        let users = config.saslUsers
        let outcome =
            users.isEmpty
            ? .refused("no SASL users are configured (java.security.auth.login.config)")
            : connections[id]!.sasl!.evaluate(token) { users[$0] }
        switch outcome {
        case .challenge(let challenge):
            return .reply(ReplyHeader(xid: xid, zxid: 0), .sasl(challenge), closeAfter: false)
        case .authenticated(let user, let final):
            var granted = [Id(scheme: "sasl", id: user)]
            if user == config.saslSuperUser { granted.append(Id(scheme: AccessControl.superScheme, id: "")) }
            for identity in granted where !connections[id]!.ids.contains(identity) {
                connections[id]!.ids.append(identity)
            }
            return .reply(ReplyHeader(xid: xid, zxid: 0), .sasl(final), closeAfter: false)
        case .refused(let reason):
            counters.authFailures += 1
            notice(
                .warning(
                    "SASL authentication failed from \(connections[id]!.address): \(reason); closing the connection"))
            connections[id]!.phase = .closing
            let code: ErrorCode =
                config.enforcedAuthSchemes.contains("sasl") ? .sessionClosedRequireSASLAuth : .authFailed
            return .reply(ReplyHeader(xid: xid, zxid: 0, err: code), .sasl(nil), closeAfter: true)
        }
    }

    /// An exchange's nonce: 16 bytes of SHA-1 over the shell's random seed and the
    /// exchange's number, in base64.
    private func saslNonce(_ exchange: UInt64) -> String {
        var material = config.saslNonceSeed
        for shift in stride(from: 56, through: 0, by: -8) {
            material.append(UInt8(truncatingIfNeeded: exchange >> UInt64(shift)))
        }
        return Base64.encode(Array(SHA1Hash.hash(material).prefix(16)))
    }

    private mutating func enqueue(_ id: ConnectionID, xid: Int32, work: ClientConnection.Queued.Work) {
        connections[id]!.queue.append(ClientConnection.Queued(xid: xid, work: work, arrivedAt: now.monotonic))
        outstandingRequests += 1
        // The shell stops reading at pendingRequestsPerSessionMax (settleReading); a client
        // still sending at twice that ignores it.
        let queued = connections[id]!.queue.count
        if queued > config.pendingRequestsPerSessionMax * 2 {
            notice(
                .warning(
                    "closing connection from \(connections[id]!.address): \(queued) requests queued, "
                        + "over twice pendingRequestsPerSessionMax (\(config.pendingRequestsPerSessionMax))"))
            close(id)
        }
    }

    /// Sends every reply at the front of the queue that is ready, stopping at a write whose
    /// transaction is not applied yet, or once the connection's output budget is spent.
    mutating func drain(_ id: ConnectionID) {
        while let head = connections[id]?.queue.first, connections[id]!.outputBlockedSince == nil {
            switch head.work {
            case .write:
                return settleReading(id)
            case .sync(let path, let token):
                guard connections[id]!.answeredSyncs.remove(token) != nil else { return settleReading(id) }
                dequeue(id)
                answer(.sync(path: path), xid: head.xid, arrivedAt: head.arrivedAt, on: id)
            case .read(let request):
                dequeue(id)
                answer(request, xid: head.xid, arrivedAt: head.arrivedAt, on: id)
            case .reply(let header, let response, let closeAfter):
                dequeue(id)
                reply(id, header, response, arrivedAt: head.arrivedAt)
                if closeAfter { return close(id) }
            }
        }
        settleReading(id)
    }

    /// Takes the request at the front of a connection's queue: it is being answered.
    mutating func dequeue(_ id: ConnectionID) {
        _ = connections[id]!.queue.popFirst()
        outstandingRequests -= 1
        precondition(outstandingRequests >= 0, "dequeued from connection \(id) with no request outstanding")
    }

    /// A read, answered from the tree as it stands now.
    private mutating func answer(_ request: Request, xid: Int32, arrivedAt: Int64, on id: ConnectionID) {
        let zxid = tree.lastProcessedZxid
        if case .setWatches(let request) = request {
            do {
                let missed = try ReadProcessor.setWatches(request, tree: tree, watches: &watches, watcher: id)
                for event in missed { send(id, Frame.notification(event)) }
                return reply(id, ReplyHeader(xid: xid, zxid: zxid), .empty, arrivedAt: arrivedAt)
            } catch {
                return reply(id, ReplyHeader(xid: xid, zxid: zxid, err: error), .empty, arrivedAt: arrivedAt)
            }
        }
        switch ReadProcessor.read(request, tree: tree, watches: &watches, by: connections[id]!.reader) {
        case .success(let response): reply(id, ReplyHeader(xid: xid, zxid: zxid), response, arrivedAt: arrivedAt)
        case .failure(let code): reply(id, ReplyHeader(xid: xid, zxid: zxid, err: code), .empty, arrivedAt: arrivedAt)
        }
    }

    /// `update`: the reply to a write this server's client sent (updatelatency), else a
    /// read's (readlatency).
    mutating func reply(
        _ id: ConnectionID, _ header: ReplyHeader, _ response: Response, arrivedAt: Int64, update: Bool = false
    ) {
        let latency = now.monotonic - arrivedAt
        connections[id]?.stats.replied(latency: latency)
        connections[id]?.stats.lastZxid = header.zxid
        counters.replied(latency: latency)
        latencySamples.add(latency, update: update)
        send(id, Frame.reply(header, response))
    }

    /// The latencies gathered since the last call, for the edge's histograms.
    public mutating func takeLatencySamples() -> LatencySamples {
        defer { latencySamples = LatencySamples() }
        return latencySamples
    }

    /// The four-letter names `cons` shows for a connection's last op.
    static func shortName(_ request: Request) -> String {
        switch request {
        case .ping: return "PING"
        case .multi: return "MULT"
        case .multiRead: return "MLTR"
        case .create: return "CREA"
        case .delete: return "DELE"
        case .setData: return "SETD"
        case .setACL: return "SETA"
        case .closeSession: return "CLOS"
        case .sync: return "SYNC"
        case .check: return "CHEC"
        case .exists: return "EXIS"
        case .getData: return "GETD"
        case .setWatches(let watches): return watches.isVersion2 ? "STW2" : "SETW"
        case .addWatch: return "ADDW"
        case .getACL: return "GETA"
        case .getChildren, .getChildren2: return "GETC"
        case .getAllChildrenNumber: return "GETACN"
        case .checkWatches: return "CHKW"
        case .removeWatches: return "REMW"
        case .whoAmI: return "HOMI"
        case .getEphemerals: return "GETE"
        case .auth: return "AUTH"
        case .sasl: return "SASL"
        case .unsupported: return "UNKN"
        }
    }
}
