import KeeperCore
import KeeperProtocol

/// Applying committed transactions: change the tree, fire watches, then answer the local
/// client that waits, if any (ZooKeeper's FinalRequestProcessor for writes). Every server of
/// an ensemble applies the same transactions in the same order.
extension KeeperNode {
    mutating func applyCommitted(_ entry: TxnEntry) {
        let (outcome, events) = tree.apply(entry)
        preparer.applied(upTo: entry.zxid)
        deliver(events)
        let session = entry.header.session
        switch entry.txn {
        case .createSession(let timeout):
            sessionCreated(session, timeout: timeout)
        case .closeSession:
            sessions.remove(session)
        default:
            break
        }
        if let id = pendingWrites.removeValue(forKey: SessionXid(session: session, xid: entry.header.cxid)) {
            complete(entry, outcome, on: id)
        }
        if case .closeSession = entry.txn { sessionEnded(session) }
    }

    /// Sends each event to the watchers it fires, if they may read the node.
    private mutating func deliver(_ events: [TreeEvent]) {
        for event in events {
            for watcher in watches.trigger(event.type, at: event.path) {
                guard let connection = connections[watcher] else { continue }
                guard AccessControl.allows(event.acl, .read, for: connection.ids) else { continue }
                send(watcher, Frame.notification(WatcherEvent(type: event.type, path: event.path)))
            }
        }
    }

    /// Answers the write at the front of its connection's queue, then whatever was waiting
    /// behind it.
    private mutating func complete(_ entry: TxnEntry, _ outcome: TxnOutcome, on id: ConnectionID) {
        guard let head = connections[id]?.queue.first else { return }
        guard case .write(let request) = head.work, head.xid == entry.header.cxid else {
            preconditionFailure(
                "applied zxid \(entry.zxid) (xid \(entry.header.cxid)) is not the write at the front of connection \(id)"
            )
        }
        dequeue(id)
        let (error, response) = Self.response(to: request, entry.txn, outcome)
        reply(
            id, ReplyHeader(xid: head.xid, zxid: entry.zxid, err: error), response, arrivedAt: head.arrivedAt,
            update: true)
        drain(id)
    }

    /// The reply body for a write (or the error that replaces it).
    static func response(to request: Request, _ txn: Txn, _ outcome: TxnOutcome) -> (ErrorCode, Response) {
        if outcome.error != .ok { return (outcome.error, .empty) }
        switch request {
        case .create(let create):
            guard let path = outcome.path else { return (.systemError, .empty) }
            if create.op == .create { return (.ok, .path(path)) }
            return (.ok, .created(path: path, stat: outcome.stat ?? Stat()))
        case .setData, .setACL:
            return (.ok, .stat(outcome.stat ?? Stat()))
        case .multi(let ops):
            return (.ok, .multi(multiResults(ops, txn, outcome)))
        default:
            return (.ok, .empty)
        }
    }

    /// Per-op results of a multi. When any op failed, every op reports an error: ok for the
    /// ones before it, which were rolled back.
    ///
    /// ZooKeeper reads every create item of a multi into `Op.create`, whose op code follows
    /// the flags alone, and types the result by that code: a container or TTL node answers
    /// Create2Response (path and stat), any other create a plain CreateResponse, even when
    /// the item was sent as create2.
    private static func multiResults(_ ops: [Request], _ txn: Txn, _ outcome: TxnOutcome) -> [MultiResult] {
        guard case .multi(let txns) = txn else { return [] }
        let failed = txns.contains { if case .error = $0 { return true } else { return false } }
        return zip(zip(ops, txns), outcome.results).map { pair, result in
            let (op, subTxn) = pair
            if failed || result.error != .ok { return .error(result.error) }
            switch op {
            case .create:
                let path = result.path ?? ""
                guard case .create(_, _, _, let kind, _) = subTxn else { return .create(path: path) }
                switch kind {
                case .container, .ttl: return .create2(path: path, stat: result.stat ?? Stat())
                case .persistent, .ephemeral: return .create(path: path)
                }
            case .delete: return .delete
            case .setData: return .setData(result.stat ?? Stat())
            default: return .check
            }
        }
    }
}
