import KeeperCore
import KeeperProtocol

/// Connections and the connect handshake: new sessions, reconnects to a live session, and
/// the refusals ZooKeeper makes (a server not in a serving quorum, a client that has seen a
/// later zxid than this server, a wrong password, a session that expired).
extension KeeperNode {
    /// A client certificate authenticates the connection as ZooKeeper's x509 provider
    /// does: `x509:SUBJECT`, and `super:` too when the subject is the configured super user.
    mutating func onConnected(_ id: ConnectionID, address: String, certificateSubject: String?) {
        precondition(connections[id] == nil, "connection \(id) connected twice")
        var connection = ClientConnection(id: id, address: address, openedAt: now.monotonic)
        if let subject = certificateSubject {
            connection.ids.append(Id(scheme: "x509", id: subject))
            if subject == config.x509SuperUser {
                connection.ids.append(Id(scheme: AccessControl.superScheme, id: subject))
            }
        }
        connections[id] = connection
    }

    mutating func onDisconnected(_ id: ConnectionID) {
        forget(id)
    }

    mutating func onHandshake(_ id: ConnectionID, _ request: ConnectRequest) {
        guard var connection = connections[id] else { return }
        guard connection.phase == .handshaking else {
            notice(.warning("closing connection from \(connection.address): a second ConnectRequest"))
            return close(id)
        }
        guard isServing else {
            notice(.info("closing connection from \(connection.address): not serving, the ensemble has no quorum here"))
            return close(id)
        }
        guard request.lastZxidSeen <= tree.lastProcessedZxid else {
            notice(
                .warning(
                    "refusing session request for client \(connection.address) as it has seen zxid "
                        + "0x\(hex(request.lastZxidSeen)), our last zxid is 0x\(hex(tree.lastProcessedZxid)); "
                        + "client must try another server"))
            return close(id)
        }
        connection.timeout = config.negotiate(request.timeout)
        connection.sendsReadOnlyByte = request.readOnly != nil
        connection.stats.establishedAt = now.wall
        if request.sessionId == 0 {
            var session = sessionIds.nextId()
            while sessions.session(session) != nil || creatingSessions[session] != nil { session = sessionIds.nextId() }
            connection.phase = .creatingSession(session)
            connections[id] = connection
            creatingSessions[session] = id
            settleReading(id)
            createSession(session, timeout: connection.timeout)
        } else {
            connections[id] = connection
            reopen(request.sessionId, password: request.password, on: id)
        }
    }

    /// A createSession transaction: prepared here on a leader or standalone, by the leader
    /// for a follower.
    private mutating func createSession(_ session: Int64, timeout: Int32) {
        if isLeaderOrStandalone {
            propose(.createSession(timeout: timeout), session: session, cxid: 0)
        } else {
            sendToLeader(.createSession(session: session, timeout: timeout))
        }
    }

    /// A client reconnecting to its session, maybe after moving from another connection or
    /// another server. The leader (or a standalone server) decides from its own table; a
    /// follower asks the leader, whose table is the one that expires sessions.
    private mutating func reopen(_ session: Int64, password: [UInt8], on id: ConnectionID) {
        if let previous = sessionConnection[session], previous != id { close(previous) }
        guard SessionPassword.check(password, for: session) else { return refuseReconnect(session, on: id) }
        if isLeaderOrStandalone {
            guard let known = sessions.session(session), !known.isClosing else {
                return refuseReconnect(session, on: id)
            }
            return reopened(session, on: id)
        }
        let token = nextToken
        nextToken += 1
        revalidations[token] = id
        connections[id]!.phase = .revalidating(session)
        settleReading(id)
        sendToLeader(.revalidate(session: session, token: token))
    }

    /// The leader's answer for a reconnect on this follower.
    mutating func revalidated(_ id: ConnectionID, valid: Bool) {
        guard case .revalidating(let session)? = connections[id]?.phase else { return }
        valid ? reopened(session, on: id) : refuseReconnect(session, on: id)
    }

    private mutating func reopened(_ session: Int64, on id: ConnectionID) {
        sessions.add(session, timeout: connections[id]!.timeout, now: now.monotonic)
        touchedSessions.insert(session)
        bind(session, to: id)
    }

    private mutating func refuseReconnect(_ session: Int64, on id: ConnectionID) {
        notice(.info("refused reconnect to session 0x\(hex(session)): expired or wrong password"))
        sendConnectResponse(on: id, session: 0, timeout: 0)
        close(id)
    }

    /// The createSession transaction is applied: the session exists everywhere.
    mutating func sessionCreated(_ session: Int64, timeout: Int32) {
        sessions.add(session, timeout: timeout, now: now.monotonic)
        guard let id = creatingSessions.removeValue(forKey: session),
            connections[id]?.phase == .creatingSession(session)
        else {
            return
        }
        bind(session, to: id)
    }

    private mutating func bind(_ session: Int64, to id: ConnectionID) {
        connections[id]!.session = session
        connections[id]!.phase = .open
        sessionConnection[session] = id
        sendConnectResponse(on: id, session: session, timeout: connections[id]!.timeout)
        settleReading(id)
    }

    /// Session 0 with timeout 0 tells the client its session is gone.
    private mutating func sendConnectResponse(on id: ConnectionID, session: Int64, timeout: Int32) {
        guard let connection = connections[id] else { return }
        let password =
            session == 0 ? [UInt8](repeating: 0, count: SessionPassword.length) : SessionPassword.make(for: session)
        let response = ConnectResponse(
            timeout: timeout, sessionId: session, password: password,
            readOnly: connection.sendsReadOnlyByte ? false : nil)
        send(id, Frame.encode { response.write(to: &$0) })
    }

    /// The session ended (closed by its client or expired): forget it, close its connection.
    mutating func sessionEnded(_ session: Int64) {
        sessions.remove(session)
        if let id = sessionConnection[session] { close(id) }
    }
}

func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }
