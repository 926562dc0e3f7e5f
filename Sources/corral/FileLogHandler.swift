import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines appended to a file, in the format of swift-log's stream handler: what
/// `corral up` does with its in-process Keeper servers' logs.
struct FileLogHandler: LogHandler {
    /// One open file shared by every logger that writes to it; the lock orders the lines.
    final class Sink: @unchecked Sendable {
        private let handle: UnsafeMutablePointer<FILE>
        private let lock = NIOLock()

        init(path: String) throws {
            guard let handle = fopen(path, "a") else {
                throw FileLogError(message: "cannot open \(path) for logs: \(String(cString: strerror(errno)))")
            }
            self.handle = handle
        }

        func write(_ line: String) {
            lock.withLock {
                fputs(line, handle)
                fflush(handle)
            }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp =
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        sink.write("\(stamp) \(event.level) \(label): \(event.message)\n")
    }
}

struct FileLogError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
