import NIOCore
import NIOPosix

/// The ports tests may listen on: 127.0.0.1:21810-21819, shared by every server and
/// proxy a test run starts.
public enum TestPorts {
    public static let range = 21810...21819
    public static let host = "127.0.0.1"

    /// Binds the first free port of the range with `bind`, which returns nil when the port
    /// is taken. Tests running side by side can hold all ten ports, so it waits up to
    /// `patience` for one to come free.
    public static func bindFirstFree<T>(
        patience: Duration = .seconds(60), _ bind: (Int) async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + patience
        repeat {
            for port in range {
                if let bound = try await bind(port) { return bound }
            }
            try await Task.sleep(for: .milliseconds(50))
        } while ContinuousClock.now < deadline
        throw TestServerError.noFreePort(range)
    }

    /// Whether nothing listens on `port` right now.
    public static func isFree(_ port: Int) async -> Bool {
        await bindError(port) == nil
    }

    /// Why `port` cannot be bound, or nil when it can.
    public static func bindError(_ port: Int) async -> (any Error)? {
        do {
            // SO_REUSEADDR as the servers use it: a port whose old connections linger in
            // TIME_WAIT is free for them, a port with a listener is not.
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
            return error
        }
    }
}

public enum TestServerError: Error, CustomStringConvertible {
    case noFreePort(ClosedRange<Int>)
    case launchFailed(String)

    public var description: String {
        switch self {
        case .noFreePort(let range): return "no free port in \(range)"
        case .launchFailed(let reason): return "could not start a test server: \(reason)"
        }
    }
}
