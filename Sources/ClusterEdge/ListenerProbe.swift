import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Whether a process still listens at an address, asked with a TCP connection attempt
/// that the peer's kernel answers. A refused connection means nothing listens on that port
/// of a host that is up: the process that served there is gone. A timeout or an unreachable
/// host says nothing about the process (a partition looks the same), and a process that is
/// paused still has its connections accepted by its kernel.
public enum ListenerProbe {
    public enum Answer: Sendable, Equatable {
        case listening
        case refused
        /// No answer either way: a timeout, an unreachable host, a name that did not resolve.
        case unknown
    }

    /// `unknown` for an unspecified address (`0.0.0.0`, `::`): connecting there reaches this
    /// host, not the one that announced it.
    public static func probe(host: String, port: Int, timeout: TimeAmount) async -> Answer {
        guard !["0.0.0.0", "::", "[::]", ""].contains(host) else { return .unknown }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port).get()
            try? await channel.close()
            return .listening
        } catch {
            return isRefused(error) ? .refused : .unknown
        }
    }

    static func isRefused(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefused($0.error) }
        }
        return false
    }
}
