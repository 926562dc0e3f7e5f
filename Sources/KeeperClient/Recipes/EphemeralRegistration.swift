import KeeperProtocol

/// Keeps an ephemeral znode registered for as long as a task runs: how an agent or a
/// master announces itself. The node is created (with its parents), re-created if it
/// disappears, and when the session expires a new session is made and the node
/// registered again. Cancelling the task deletes the node and closes the session.
public struct EphemeralRegistration: Sendable {
    public let connectString: String
    public let configuration: KeeperClient.Configuration
    /// The node's path; for a sequential registration, the path before the sequence number.
    public let path: String
    public let data: [UInt8]
    public let sequential: Bool
    public let acl: [ACL]

    /// A registration as it stands: the node's path and the session that holds it.
    public struct Registered: Sendable {
        public let path: String
        public let client: KeeperClient
    }

    public init(
        connectString: String, configuration: KeeperClient.Configuration = .init(), path: String, data: [UInt8],
        sequential: Bool = false, acl: [ACL] = ACL.openUnsafe
    ) {
        self.connectString = connectString
        self.configuration = configuration
        self.path = path
        self.data = data
        self.sequential = sequential
        self.acl = acl
    }

    /// Runs until cancelled; `onRegistered` hears of every (re-)registration. Errors other
    /// than a lost session (NoAuth on the parent, say) end it.
    public func run(onRegistered: @Sendable (Registered) async -> Void = { _ in }) async throws {
        while !Task.isCancelled {
            let client: KeeperClient
            do {
                client = try await KeeperClient.connect(connectString, configuration: configuration)
            } catch let error as KeeperError where error.code == .connectionLoss {
                try? await Task.sleep(for: configuration.reconnectDelayMax)
                continue
            }
            do {
                try await holdRegistration(with: client, onRegistered: onRegistered)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }

    /// Registers and re-registers on one session. Returns when the session expired (the
    /// caller makes a new one) or the task is cancelled (the node is deleted first).
    private func holdRegistration(
        with client: KeeperClient, onRegistered: @Sendable (Registered) async -> Void
    ) async throws {
        var node: String?
        do {
            while true {
                let registered = try await register(with: client)
                node = registered
                await onRegistered(Registered(path: registered, client: client))
                try await waitForDeletion(of: registered, client: client)
            }
        } catch let error as KeeperError where error.code == .sessionExpired {
            return
        } catch {
            guard Task.isCancelled else { throw error }
            if let node { try? await SequentialQueue.leave(node, client: client) }
        }
    }

    /// Creates the node. A node left by an earlier session of ours (not yet expired on the
    /// server) is waited out; the sequential flavour finds its node after a ConnectionLoss.
    private func register(with client: KeeperClient) async throws -> String {
        guard !sequential else {
            let directory = PathRules.parent(of: path) ?? "/"
            return try await SequentialQueue(client: client, directory: directory, prefix: PathRules.name(of: path))
                .join(data: data, acl: acl)
        }
        if let parent = PathRules.parent(of: path) {
            try await client.retryingOnConnectionLoss { try await client.ensurePath(parent) }
        }
        while true {
            do {
                return try await client.create(path, data: data, acl: acl, mode: .ephemeral)
            } catch let error as KeeperError where error.code == .nodeExists || error.code == .connectionLoss {
                try Task.checkCancellation()
                let session = await client.session()?.id
                let path = path
                let (stat, watch) = try await client.retryingOnConnectionLoss { try await client.existsAndWatch(path) }
                if let stat, stat.ephemeralOwner == session { return path }
                if stat != nil { _ = try await watch.event() }
            }
        }
    }

    private func waitForDeletion(of node: String, client: KeeperClient) async throws {
        while true {
            let (stat, watch) = try await client.retryingOnConnectionLoss { try await client.existsAndWatch(node) }
            guard stat != nil else { return }
            if try await watch.event().type == .nodeDeleted { return }
        }
    }
}
