import Logging
import NIOConcurrencyHelpers
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// A TLS context that follows its files: when a key store or trust store file changes
/// (its modification time, size or inode; a rename over it counts), the next connection
/// after the check gets a context made from the new files. Connections already open keep
/// theirs. Files that do not make a context leave the old one in use, with a log line.
public final class ReloadingTLSContext: Sendable {
    /// How often the files are looked at, at most: one `stat` per file per interval.
    public static let checkInterval = Duration.seconds(1)

    private struct State {
        var context: NIOSSLContext
        var stamps: [FileStamp?]
        var checkedAt: ContinuousClock.Instant
        /// The stamps a failed reload saw, so the failure is logged once.
        var failedStamps: [FileStamp?]?
    }

    private let settings: TLSSettings
    private let make: @Sendable (TLSSettings) throws -> NIOSSLContext
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    public init(
        _ settings: TLSSettings, logger: Logger, make: @escaping @Sendable (TLSSettings) throws -> NIOSSLContext
    ) throws {
        self.settings = settings
        self.make = make
        self.logger = logger
        let stamps = settings.files.map(FileStamp.init(path:))
        state = NIOLockedValueBox(
            State(context: try make(settings), stamps: stamps, checkedAt: .now, failedStamps: nil))
    }

    /// The context for a new connection.
    public func current() -> NIOSSLContext {
        guard settings.reloadOnChange else { return state.withLockedValue { $0.context } }
        let now = ContinuousClock.now
        let due = state.withLockedValue { state -> [FileStamp?]? in
            guard now - state.checkedAt >= Self.checkInterval else { return nil }
            state.checkedAt = now
            let stamps = settings.files.map(FileStamp.init(path:))
            return stamps == state.stamps || stamps == state.failedStamps ? nil : stamps
        }
        if let stamps = due { reload(stamps) }
        return state.withLockedValue { $0.context }
    }

    private func reload(_ stamps: [FileStamp?]) {
        do {
            let context = try make(settings)
            state.withLockedValue {
                $0.context = context
                $0.stamps = stamps
                $0.failedStamps = nil
            }
            logger.info("TLS files changed; new connections use them: \(settings.files.joined(separator: ", "))")
        } catch {
            state.withLockedValue { $0.failedStamps = stamps }
            logger.warning("TLS files changed but cannot be used, keeping the previous ones: \(error)")
        }
    }
}

/// What tells that a file changed.
struct FileStamp: Equatable, Sendable {
    let modified: Int
    let modifiedNanoseconds: Int
    let size: Int
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        modified = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
        size = Int(info.st_size)
        inode = UInt64(info.st_ino)
    }
}
