import ArgumentParser
import Foundation
import KeeperServer
import Logging

enum ServerSetup {
    /// Reads the config, logs its warnings, and picks server `id` of an ensemble.
    static func load(_ path: String, id: Int?, logger: Logger, allowEnsemble: Bool = false) throws -> KeeperConfig {
        let parsed = try ConfigParser.load(path: path)
        for warning in parsed.warnings { logger.warning("\(warning)") }
        var config = parsed.config
        if let id {
            config = try config.forServer(id)
            if config.peers.count > 1 {
                logger.notice("\(path) lists \(config.peers.count) servers; replication is not built yet, so server \(id) serves alone")
            }
        } else if config.peers.count > 1 && !allowEnsemble {
            throw ValidationError("\(path) lists \(config.peers.count) servers (server.N lines): pass --id N to say which one this is")
        }
        return config
    }
}

enum LogSetup {
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


/// Waits for SIGINT or SIGTERM.
enum SignalWaiter {
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let state = SignalState(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { state.fire() }
                source.resume()
                state.keep(source)
            }
        }
    }
}

private final class SignalState: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ source: DispatchSourceSignal) { lock.withLock { sources.append(source) } }

    func fire() {
        let continuation = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume()
    }
}
