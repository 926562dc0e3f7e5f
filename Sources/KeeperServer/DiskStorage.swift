import KeeperCore
import KeeperStorage
import Logging
import NIOCore
import NIOPosix
import Zab

/// Where and how a server keeps its files (ZooKeeper's dataDir, dataLogDir, snapCount,
/// autopurge, preAllocSize, forceSync).
struct StorageSettings: Sendable {
    var snapshotDirectory: String
    var logDirectory: String
    var snapCount: Int
    var snapRetainCount: Int
    var purgeIntervalHours: Int
    var preallocationStep: Int
    var forceSync: Bool
    /// Bytes of entries waiting for the next sync over which client reads pause (logQueueBytesMax).
    var queueBytesMax: Int
}

/// The transaction log and snapshots of a running server, with group commit: while one
/// batch is being written and synced on the log thread, new transactions gather, and go
/// to disk together in the next sync. Snapshots are written on a thread of their own from
/// a copy-on-write copy of the tree, so writes continue while they are taken.
///
/// The queue for the next sync is bounded by `queueBytesMax`: past it `onBacklog(true)`
/// asks the node to stop reading from the clients with requests outstanding, and once the
/// log thread has taken the queue `onBacklog(false)` lets them go on. Nothing is refused or dropped at the bound:
/// what was queued was promised a place in the log, in order.
///
/// Confined to the server's event loop, except the writer, which only the log thread touches.
final class DiskStorage {
    private let settings: StorageSettings
    private let loop: EventLoop
    private let logThread = NIOThreadPool(numberOfThreads: 1)
    private let snapshotThread = NIOThreadPool(numberOfThreads: 1)
    private let writer: LogWriterBox
    private let logger: Logger
    private let metrics: KeeperMetrics
    private var pending: [LogOperation] = []
    /// Bytes in `pending`.
    private var pendingBytes = 0
    private var backlogged = false
    private var syncing = false
    /// A start of the next sync is queued on the loop.
    private var syncScheduled = false
    private var rollBeforeNextBatch = false
    private var appendedSinceSnapshot = 0
    private var snapshotThreshold: Int
    private var snapshotting = false
    private var generator = SystemRandomNumberGenerator()
    /// Called on the loop for each operation now on disk, in the order they were asked.
    var onDurable: (LogCompletion) -> Void = { _ in }
    /// Called on the loop when the log cannot be written: nothing more may be acknowledged.
    var onFailure: (Error) -> Void = { _ in }
    /// Called on the loop when the queue goes over queueBytesMax (true), and when the log
    /// thread has taken it (false).
    var onBacklog: (Bool) -> Void = { _ in }

    init(settings: StorageSettings, lastZxid: Int64, loop: EventLoop, metrics: KeeperMetrics, logger: Logger) {
        self.settings = settings
        self.metrics = metrics
        self.loop = loop
        self.logger = logger
        self.writer = LogWriterBox(
            LogWriter(
                fileSystem: PosixFileSystem(), directory: settings.logDirectory,
                preallocationStep: settings.preallocationStep, forceSync: settings.forceSync, lastZxid: lastZxid))
        self.snapshotThreshold = Self.threshold(settings.snapCount, &generator)
        logThread.start()
        snapshotThread.start()
    }

    /// ZooKeeper randomises the snapshot point between half and all of snapCount, so
    /// that the servers of an ensemble do not all snapshot at once.
    private static func threshold(_ snapCount: Int, _ generator: inout SystemRandomNumberGenerator) -> Int {
        snapCount / 2 + Int.random(in: 0...max(1, snapCount / 2), using: &generator)
    }

    /// Queues entries for the next sync. An idle log starts it once the loop has handled
    /// everything that was ready (every request read in this pass over the connections),
    /// not at the first entry: a burst of pipelined writes is synced as one batch, instead
    /// of its first write alone and the rest a whole sync later.
    func persist(_ entries: [ZabEntry]) {
        pending.append(.append(entries))
        queued(entries.reduce(0) { $0 + $1.payload.count })
        guard !syncing, !syncScheduled else { return }
        syncScheduled = true
        let this = NIOLoopBound(self, eventLoop: loop)
        loop.execute {
            this.value.syncScheduled = false
            this.value.startSyncIfIdle()
        }
    }

    /// Queued behind the appends before it; appends after it follow it.
    func truncate(after zxid: Int64) {
        pending.append(.truncate(after: zxid))
        startSyncIfIdle()
    }

    func installSnapshot(_ bytes: [UInt8], zxid: Int64) {
        pending.append(.installSnapshot(bytes, zxid: zxid))
        queued(bytes.count)
        startSyncIfIdle()
    }

    private func queued(_ bytes: Int) {
        pendingBytes += bytes
        guard !backlogged, pendingBytes > settings.queueBytesMax else { return }
        backlogged = true
        onBacklog(true)
    }

    private func startSyncIfIdle() {
        guard !syncing, !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingBytes = 0
        if backlogged {
            backlogged = false
            onBacklog(false)
        }
        syncing = true
        let roll = rollBeforeNextBatch
        rollBeforeNextBatch = false
        let writer = self.writer
        let snapshotDirectory = settings.snapshotDirectory
        let this = NIOLoopBound(self, eventLoop: loop)
        let fsyncTime = metrics.fsyncTime
        // Timed: a batch of appends, written and synced; not one that installs a snapshot
        // from the leader (its time is the snapshot's size) or only truncates (no sync).
        let timed = !batch.contains { if case .installSnapshot = $0 { true } else { false } }
        logThread.runIfActive(eventLoop: loop) { () -> (appended: Int, done: [LogCompletion]) in
            if roll { try writer.value.roll() }
            let started = NIODeadline.now()
            let written = try LogBatch.write(
                batch, to: writer.value, fileSystem: PosixFileSystem(), snapshotDirectory: snapshotDirectory)
            if timed && written.appended > 0 {
                fsyncTime.record(Double((NIODeadline.now() - started).nanoseconds) / 1_000_000)
            }
            return written
        }.whenComplete { result in
            this.value.batchWritten(result)
        }
    }

    private func batchWritten(_ result: Result<(appended: Int, done: [LogCompletion]), Error>) {
        syncing = false
        switch result {
        case .success(let written):
            appendedSinceSnapshot += written.appended
            // The disk first: what queued up during this sync starts on its way before the
            // loop spends its time applying and answering this batch.
            startSyncIfIdle()
            for completion in written.done { onDurable(completion) }
        case .failure(let error):
            logger.critical(
                "cannot write the transaction log in \(settings.logDirectory): \(error); stopping, since nothing more can be made durable"
            )
            onFailure(error)
        }
    }

    /// Takes a snapshot if snapCount transactions have gone by since the last one.
    func snapshotIfDue(_ contents: @autoclosure () -> SnapshotContents) {
        guard !snapshotting, appendedSinceSnapshot >= snapshotThreshold else { return }
        snapshotting = true
        appendedSinceSnapshot = 0
        snapshotThreshold = Self.threshold(settings.snapCount, &generator)
        rollBeforeNextBatch = true
        let contents = contents()
        let settings = self.settings
        let started = NIODeadline.now()
        let this = NIOLoopBound(self, eventLoop: loop)
        snapshotThread.runIfActive(eventLoop: loop) { () -> (path: String, size: Int) in
            let written = try SnapshotFile.write(
                contents, fileSystem: PosixFileSystem(), directory: settings.snapshotDirectory)
            return written
        }.whenComplete { result in
            let `self` = this.value
            self.snapshotting = false
            switch result {
            case .success(let written):
                let ms = (NIODeadline.now() - started).nanoseconds / 1_000_000
                self.metrics.snapshotTime.record(ms)
                self.logger.info(
                    "wrote snapshot \(written.path): zxid 0x\(StorageFormat.hex16(contents.zxid)), \(contents.tree.nodeCount) znodes, \(written.size) bytes in \(ms) ms"
                )
            case .failure(let error):
                self.logger.error(
                    "snapshot at zxid 0x\(StorageFormat.hex16(contents.zxid)) failed: \(error); the log still holds every transaction"
                )
            }
        }
    }

    /// Deletes snapshots beyond the newest snapRetainCount and the log segments only they needed.
    func purge() {
        let settings = self.settings
        let logger = self.logger
        snapshotThread.runIfActive(eventLoop: loop) {
            try Purge.run(
                fileSystem: PosixFileSystem(), snapshotDirectory: settings.snapshotDirectory,
                logDirectory: settings.logDirectory, retain: settings.snapRetainCount)
        }.whenComplete { result in
            switch result {
            case .success(let removed):
                if !removed.isEmpty {
                    logger.info("purged \(removed.count) old files: \(removed.joined(separator: ", "))")
                }
            case .failure(let error):
                logger.warning("purge failed: \(error)")
            }
        }
    }

    /// Closes the log after the batch in flight, then stops both threads.
    func shutdown() -> EventLoopFuture<Void> {
        let writer = self.writer
        let threads = [logThread, snapshotThread]
        let loop = self.loop
        return logThread.runIfActive(eventLoop: loop) { try writer.value.close() }
            .flatMapErrorThrowing { _ in }
            .flatMap {
                let done = loop.makePromise(of: Void.self)
                done.completeWithTask { for thread in threads { try? await thread.shutdownGracefully() } }
                return done.futureResult
            }
    }
}

/// The log writer, touched only on the log thread.
final class LogWriterBox: @unchecked Sendable {
    let value: LogWriter
    init(_ value: LogWriter) { self.value = value }
}
