import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs blocking work (a simulation loop, a blocking socket, waiting for a process) on a
/// thread of its own, so that it never holds one of the few threads Swift concurrency
/// runs every test's tasks on.
public func onThread<T: Sendable>(_ name: String = "test-work", _ body: @escaping @Sendable () throws -> T) async throws
    -> T
{
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.start()
    }
}

/// Runs CPU-bound work (simulation seeds) on a thread of its own at the lowest scheduling
/// priority (nice 19): the suite runs every test at once, and on a machine with two cores
/// the seeds would otherwise take the CPU from the servers and clients of the process tests
/// beside them, whose sessions then expire for want of a turn.
public func onBackgroundThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws
    -> T
{
    try await onThread(name) {
        #if canImport(Glibc)
            // On Linux a nice value belongs to a thread; 0 names the calling one (and a
            // process it starts inherits it).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
        return try body()
    }
}
