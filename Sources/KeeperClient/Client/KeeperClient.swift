import CorralTLS
import KeeperProtocol
import Logging
import NIOCore
import NIOPosix

/// An async ZooKeeper client: one session, kept alive across connections to the hosts of
/// a connect string.
///
/// Every call is `async throws`: it fails with `KeeperError` (the server's code and the
/// path) or `KeeperClientError` (caught before sending, or one of the client's bounds).
/// A call in flight when the connection drops fails with ConnectionLoss, as in
/// ZooKeeper; its effect may or may not have happened. After the session expires, is
/// closed or fails authentication, every call fails.
///
/// The session lives on one NIO event loop (`SessionDriver`, around the pure
/// `SessionMachine`); this type only hops onto that loop and back.
public final class KeeperClient: Sendable {
    public let connectString: ConnectString
    public let configuration: Configuration
    let chroot: Chroot
    let driver: NIOLoopBoundBox<SessionDriver>

    /// Starts connecting in the background; calls made before the session is up wait for it.
    public init(connectString: String, configuration: Configuration = Configuration()) throws {
        let parsed = try ConnectString(connectString)
        self.connectString = parsed
        self.configuration = configuration
        self.chroot = Chroot(parsed.chroot)
        let hosts = configuration.shuffleHosts ? parsed.hosts.shuffled() : parsed.hosts
        let machine = SessionMachine(
            hosts: hosts, settings: configuration.machineSettings, resuming: configuration.session,
            authentications: configuration.authentication)
        let loop = (configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
        let tls = try configuration.tls.map { try TLSContextFactory.client($0) }
        let driver = SessionDriver(
            machine: machine, loop: loop, chroot: chroot, configuration: configuration, tls: tls)
        self.driver = NIOLoopBoundBox.makeBoxSendingValue(driver, eventLoop: loop)
        let box = self.driver
        loop.execute { box.value.start(box: box) }
    }

    /// A client whose session is up (or a failure once `timeout` passes; the default is
    /// the session timeout). An auth packet in the configuration that the server refuses
    /// fails this with AuthFailed.
    public static func connect(
        _ connectString: String, configuration: Configuration = Configuration(), timeout: Duration? = nil
    ) async throws -> KeeperClient {
        let client = try KeeperClient(connectString: connectString, configuration: configuration)
        do {
            try await client.waitUntilConnected(timeout: timeout ?? configuration.sessionTimeout)
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    deinit {
        let box = driver
        box.eventLoop.execute { box.value.abandon() }
    }

    /// Waits until the session is connected (now or after a reconnect).
    public func waitUntilConnected(timeout: Duration) async throws {
        let box = driver
        try await box.eventLoop.flatSubmit { box.value.waitUntilConnected(timeout: timeout) }.get()
    }

    /// Closes the session: the server deletes its ephemeral nodes and fires their watches.
    /// Calls still waiting fail with `KeeperClientError.closed`. Closing twice is harmless.
    public func close() async {
        let box = driver
        try? await box.eventLoop.flatSubmit { box.value.close() }.get()
    }

    /// The session's changes from now on, until it ends (the stream finishes after
    /// `expired`, `closed` or `authFailed`). Each call makes a new stream that holds at
    /// most `sessionEventsBufferedMax` events, dropping the oldest.
    public func sessionEvents() async -> AsyncStream<SessionEvent> {
        let box = driver
        return (try? await box.eventLoop.submit { box.value.sessionEvents() }.get()) ?? AsyncStream { $0.finish() }
    }

    public func state() async -> SessionState {
        let box = driver
        return (try? await box.eventLoop.submit { box.value.state }.get()) ?? .closed
    }

    /// The session's id, password and negotiated timeout, once a server granted them.
    public func session() async -> SessionCredentials? {
        let box = driver
        return try? await box.eventLoop.submit { box.value.credentials }.get()
    }

    /// The highest zxid seen in a reply.
    public func lastZxidSeen() async -> Int64 {
        let box = driver
        return (try? await box.eventLoop.submit { box.value.lastZxidSeen }.get()) ?? 0
    }

    // MARK: Plumbing for the operations

    /// Sends one request and waits for its reply; a server error gets `path` attached.
    func call(_ request: Request, path: String?) async throws -> Response {
        let box = driver
        return try await Self.naming(path) {
            try await box.eventLoop.flatSubmit { box.value.submit(request).response }.get()
        }
    }

    /// Sends a watching read; the watch exists once the reply says it does.
    func watchingCall(
        _ request: Request, watch: WatchIntent.Kind, path: String, serverPath: String
    ) async throws -> (Result<Response, any Error>, Watch) {
        let box = driver
        let submitted = try await box.eventLoop.submit {
            box.value.submit(request, watch: watch, path: serverPath)
        }.get()
        guard let id = submitted.watcher, let event = submitted.event else {
            preconditionFailure("a watching call without a watcher")
        }
        let watch = Watch(path: path, id: id, future: event, driver: box)
        do {
            return (.success(try await Self.naming(path) { try await submitted.response.get() }), watch)
        } catch {
            return (.failure(error), watch)
        }
    }

    /// Checks a client path against ZooKeeper's rules and maps it into the chroot.
    func serverPath(_ path: String, sequential: Bool = false) throws(KeeperClientError) -> String {
        do {
            try PathRules.validate(path, sequential: sequential)
        } catch {
            throw .invalidPath(path, reason: error.reason)
        }
        return chroot.serverPath(path)
    }

    /// Runs `body`, naming `path` in a KeeperError that has no path yet.
    static func naming<T>(_ path: String?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch var error as KeeperError where error.path == nil {
            error.path = path
            throw error
        }
    }
}
