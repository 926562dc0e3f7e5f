import ArgumentParser
import Dispatch
import KeeperServer
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

enum ServerSetup {
    /// Reads the config, logs its warnings, and picks server `id` of an ensemble.
    static func load(_ path: String, id: Int?, logger: Logger, allowEnsemble: Bool = false) throws -> KeeperConfig {
        let parsed = try ConfigParser.load(path: path)
        for warning in parsed.warnings { logger.warning("\(warning)") }
        var config = parsed.config
        if let id {
            config = try config.forServer(id)
        } else if config.peers.count > 1 && !allowEnsemble {
            throw ValidationError(
                "\(path) lists \(config.peers.count) servers (server.N lines): pass --id N to say which one this is")
        }
        return config
    }
}

enum LogSetup {
    /// A `--log-level` argument.
    static func level(_ argument: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: argument) else {
            throw ValidationError(
                "'\(argument)' is not a log level: use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    /// Log lines to stderr at `level`.
    static func bootstrap(label: String, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// Waits for SIGINT or SIGTERM, or for the server to fail; returns the failure.
enum SignalWaiter {
    @discardableResult
    static func waitForTermination(orFailureOf server: KeeperServer? = nil) async -> Error? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Error?, Never>) in
            let state = SignalState(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { state.fire(nil) }
                source.resume()
                state.keep(source)
            }
            if let server {
                Task {
                    do { try await server.waitForFailure() } catch { state.fire(error) }
                }
            }
        }
    }
}

/// The continuation is resumed under the mutex; the sources are kept while
/// `waitForTermination` sets them up, before any of them can fire.
private final class SignalState: @unchecked Sendable {
    private let continuation: NIOLockedValueBox<CheckedContinuation<Error?, Never>?>
    private var sources: [DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Error?, Never>) { self.continuation = NIOLockedValueBox(continuation) }

    func keep(_ source: DispatchSourceSignal) { sources.append(source) }

    /// Resumes the waiter once; later calls do nothing.
    func fire(_ failure: Error?) {
        let waiter = continuation.withLockedValue { waiter -> CheckedContinuation<Error?, Never>? in
            defer { waiter = nil }
            return waiter
        }
        waiter?.resume(returning: failure)
    }
}
