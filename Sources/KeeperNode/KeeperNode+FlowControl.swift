/// Flow control: what the node holds for a client is bounded, and a client that does not
/// keep up is read from no further until it does.
///
/// Server-wide, two limits, both applied as ZooKeeper's `shouldThrottle` applies
/// globalOutstandingLimit: while the log's queue for its next sync is over its bound (the
/// shell's `.logQueue(full:)`), or while over globalOutstandingLimit requests are
/// outstanding (received, not answered), every connection with requests of its own
/// outstanding stops being read. It is read again once the server is back under the limit
/// or its own requests are answered. A connection with nothing outstanding may always send
/// one, so each client gets its turn: pausing everyone would let whichever connection is
/// resumed first refill the queue, round after round.
///
/// Two limits per connection. Requests: at pendingRequestsPerSessionMax queued the shell
/// stops reading, and reads again at half. Replies: after clientOutputBytesMax bytes sent,
/// the node answers nothing more on the connection and stops reading from it until the
/// shell reports it `.writable` (its buffered output under the low water mark). So a
/// client that pipelines reads and never takes the replies leaves its unread requests in
/// the kernel, not reply bytes in the server. One that stays blocked for longer than its
/// session timeout is closed, and so is one still sent (write replies, watch events) more
/// than twice the budget meanwhile. ZooKeeper 3.8 has no such limit: NIOServerCnxn queues
/// every reply, so such a client costs it memory without bound.
extension KeeperNode {
    /// Tells the shell to stop or resume reading from a connection when the reasons change.
    mutating func settleReading(_ id: ConnectionID) {
        guard let connection = connections[id] else { return }
        var pauses = connection.readPauses
        let queued = connection.queue.count
        if queued >= config.pendingRequestsPerSessionMax {
            pauses.insert(.queueFull)
        } else if queued <= config.pendingRequestsPerSessionMax / 2 {
            pauses.remove(.queueFull)
        }
        if connection.outputBlockedSince != nil { pauses.insert(.outputFull) } else { pauses.remove(.outputFull) }
        // As ZooKeeper throttles: a connection with nothing outstanding may always send, so a
        // light client is not starved by a busy one.
        if outstandingRequests > config.globalOutstandingLimit && queued > 0 {
            pauses.insert(.serverBusy)
        } else {
            pauses.remove(.serverBusy)
        }
        if logQueueFull && queued > 0 { pauses.insert(.logFull) } else { pauses.remove(.logFull) }
        switch connection.phase {
        case .creatingSession, .revalidating: pauses.insert(.sessionPending)
        case .handshaking, .open, .closing: pauses.remove(.sessionPending)
        }
        if pauses != connection.readPauses { connections[id]!.readPauses = pauses }
        let pause = !pauses.isEmpty
        guard pause != connection.isPaused else { return }
        connections[id]!.isPaused = pause
        actions.append(pause ? .pauseReading(id) : .resumeReading(id))
    }

    /// The disk is behind (or caught up): connections with requests outstanding stop (or go
    /// on) being read. Requests already read are still answered; quorum traffic goes on.
    mutating func onLogQueue(full: Bool) {
        guard full != logQueueFull else { return }
        logQueueFull = full
        if full { counters.logQueueFulls += 1 }
        for id in connections.keys.sorted() { settleReading(id) }
    }

    /// What was sent has mostly left the server: a new output budget, and the replies that
    /// waited for it.
    mutating func onWritable(_ id: ConnectionID) {
        guard connections[id] != nil else { return }
        connections[id]!.outputUnconfirmed = 0
        guard connections[id]!.outputBlockedSince != nil else { return }
        connections[id]!.outputBlockedSince = nil
        drain(id)
    }

    /// Whether the server is what keeps a session's client waiting: it stopped reading the
    /// connection for its own reasons (its queue, the server's load, the disk), or it owes the
    /// client replies (requests read, not yet answered: a slow disk), and the client has not
    /// stopped taking replies. Its pings go unread or unanswered then, so the session is kept
    /// alive meanwhile; ZooKeeper touches a session as each request arrives, so a disk slower
    /// than the session timeout does not expire the clients waiting on it either.
    func isHeld(_ connection: ClientConnection) -> Bool {
        connection.session != 0 && !connection.readPauses.contains(.outputFull)
            && (connection.isPaused || !connection.queue.isEmpty)
    }

    /// Whether a connection's client has not taken its replies for longer than its session
    /// timeout: it is closed (on the tick).
    func isStuck(_ connection: ClientConnection) -> Bool {
        guard let since = connection.outputBlockedSince else { return false }
        return now.monotonic - since > Int64(max(connection.timeout, config.minSessionTimeout))
    }

    /// The connection of `session`, if its client has stopped taking its replies.
    func stuckConnection(of session: Int64) -> ClientConnection? {
        guard let id = sessionConnection[session], let connection = connections[id],
            connection.outputBlockedSince != nil
        else { return nil }
        return connection
    }

    mutating func closeOverrun(_ id: ConnectionID) {
        guard let connection = connections[id] else { return }
        notice(
            .warning(
                "closing connection from \(connection.address) (session 0x\(hex(connection.session))): "
                    + "\(connection.outputUnconfirmed) bytes of replies and events unread, over twice "
                    + "clientOutputBytesMax (\(config.clientOutputBytesMax)); its client is not reading them"))
        close(id)
    }

    /// One line for the operator: which client, for how long, and what to do about it.
    func stuckNotice(_ connection: ClientConnection, outcome: String) -> Notice {
        let blocked = now.monotonic - (connection.outputBlockedSince ?? now.monotonic)
        return .warning(
            "\(outcome) from \(connection.address) (session 0x\(hex(connection.session))): its client has not read "
                + "its replies for \(blocked) ms (session timeout \(connection.timeout) ms), "
                + "\(connection.outputUnconfirmed) bytes waiting; that client must read what it asks for, or, if it "
                + "reads large replies slowly, raise clientOutputBytesMax (\(config.clientOutputBytesMax))")
    }
}
