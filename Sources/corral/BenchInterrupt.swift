import ArgumentParser
import Dispatch
import KeeperBench
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C or SIGTERM during a benchmark. The first signal cancels the work, which stops its
/// servers and removes its files as it unwinds. A second signal, or work still running
/// `grace` seconds later (a load phase waits for its replies, which cancellation does not
/// cut short), SIGKILLs every server still running and exits. Either way no server
/// outlives corral.
final class BenchInterrupt: Sendable {
    private let received = Atomic<Int32>(0)
    private let finished = Atomic<Bool>(false)

    /// The work's result; after a signal, an exit code of 128 + the signal instead of the
    /// work's error. Work that ends normally when cancelled (`bench serve`) exits 0.
    static func run<T: Sendable>(grace: Double = 10, _ work: @escaping @Sendable () async throws -> T) async throws -> T
    {
        let interrupt = BenchInterrupt()
        let task = Task { try await work() }
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { interrupt.onSignal(number, grace: grace, cancel: task.cancel) }
            source.resume()
            return source
        }
        defer {
            interrupt.finished.store(true, ordering: .sequentiallyConsistent)
            for source in sources { source.cancel() }
        }
        do {
            return try await task.value
        } catch {
            let number = interrupt.received.load(ordering: .sequentiallyConsistent)
            if number != 0 { throw ExitCode(128 + number) }
            throw error
        }
    }

    private func onSignal(_ number: Int32, grace: Double, cancel: @Sendable () -> Void) {
        guard received.exchange(number, ordering: .sequentiallyConsistent) == 0 else { Self.killServersAndExit(number) }
        let name = number == SIGINT ? "SIGINT" : "SIGTERM"
        StandardError.write("corral bench: \(name), stopping the servers (another signal kills them at once)")
        cancel()
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            if !self.finished.load(ordering: .sequentiallyConsistent) { Self.killServersAndExit(number) }
        }
    }

    private static func killServersAndExit(_ number: Int32) -> Never {
        ServerProcess.killAll()
        exit(128 + number)
    }
}
