import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Runs tasks' and executors' processes in containers: each in a process group of its own,
/// in its sandbox, in its own cgroups (where the machine offers them), and reports how each
/// ended.
///
/// Like Mesos' Mesos containerizer with the posix launcher and the cgroups memory and cpu
/// isolators. Departures: cgroups are joined by a /bin/sh shim before exec (see
/// `ContainerLaunchShim`), not by a forked helper; an OOM kill is learnt by polling the
/// cgroup's counters every `memoryPollInterval`, not from an eventfd; without cgroups the
/// memory limit is enforced by polling the process tree's RSS.
///
/// A container lives from `launch` to `destroy`. Its main process is reaped by
/// `ContainerReaper`; when it exits, whatever is left of the container (its process group,
/// everything in its cgroups) is killed, and only then is its `ContainerTermination` known.
public actor Containerizer {
    public static let containersMaxDefault = 10_000
    /// How long `kill` waits for the main process after SIGKILL before giving up.
    public static let killTimeout: Duration = .seconds(10)
    /// How long the launch shim may take to join the cgroups.
    static let joinTimeout: Duration = .seconds(10)
    /// Rounds of reading cgroup.procs and SIGKILLing what it lists, until it is empty.
    static let cgroupSweepRoundsMax = 200
    static let cgroupSweepPause: Duration = .milliseconds(10)
    /// Attempts to rmdir a cgroup whose last processes are still exiting.
    static let cgroupRemoveAttemptsMax = 50

    public nonisolated let isolation: ContainerIsolation
    /// At most this many containers exist (launched and not yet destroyed).
    public nonisolated let containersMax: Int
    /// Whether a container may run as root when its spec names root (`--allow-root-tasks`).
    public nonisolated let rootTasksAllowed: Bool
    /// How often limits are checked: cgroup OOM counters, or RSS without cgroups.
    public nonisolated let memoryPollInterval: Duration
    /// Runs around each container's program so that an agent started again learns how it
    /// ended; nil: no shim (an adopted container then ends with an unknown status).
    public nonisolated let waitShim: ContainerWaitShim.Setup?
    let logger: Logger
    let reaper: ContainerReaper
    var containers: [String: Record] = [:]
    private var monitor: Task<Void, Never>?
    private var nextWaiter: UInt64 = 0
    private var isShutDown = false

    struct Record {
        let handle: ContainerHandle
        var spec: ContainerSpec
        let cgroup: ContainerCgroup?
        /// Set once the main process is reaped and the rest of the container killed.
        var termination: ContainerTermination?
        var waiters: [UInt64: CheckedContinuation<ContainerTermination?, Never>] = [:]
        var killRequested = false
        /// Taken back after the agent restarted: not a child, so its end is learnt by
        /// polling /proc, and how it ended is unknown.
        var adopted = false
        var memoryLimitExceeded = false
        var residentBytesMax = 0
    }

    /// Finds the isolation (`mode`) and starts the reaper thread. `cgroupRoot` names the
    /// directory under each cgroup hierarchy that holds the containers' cgroups.
    public init(
        isolation mode: ContainerIsolationMode = .automatic, cgroupRoot: String = "corral",
        cgroupMount: String = "/sys/fs/cgroup", containersMax: Int = Containerizer.containersMaxDefault,
        memoryPollInterval: Duration = .milliseconds(500), waitShim: ContainerWaitShim.Setup? = nil,
        rootTasksAllowed: Bool = true, logger: Logger = Logger(label: "corral.agent.containerizer")
    ) throws {
        self.rootTasksAllowed = rootTasksAllowed
        precondition(containersMax > 0, "containersMax \(containersMax)")
        precondition(memoryPollInterval > .zero, "memoryPollInterval \(memoryPollInterval)")
        isolation = try ContainerIsolation.detect(
            mode: mode, mount: cgroupMount, rootName: cgroupRoot, pollInterval: memoryPollInterval)
        self.containersMax = containersMax
        self.memoryPollInterval = memoryPollInterval
        self.waitShim = waitShim
        if let waitShim { try KernelFile.makeDirectories(waitShim.directory) }
        self.logger = logger
        reaper = try ContainerReaper()
    }

    deinit {
        monitor?.cancel()
        reaper.stop()
    }

    /// What the agent logs at start: which isolation containers get.
    public nonisolated var description: String { isolation.description }

    public var containerIDs: [String] { containers.keys.sorted() }

    public func handle(of containerID: String) -> ContainerHandle? { containers[containerID]?.handle }

    /// How the container ended, if it has.
    public func termination(of containerID: String) -> ContainerTermination? {
        containers[containerID]?.termination
    }

    // MARK: Launch

    /// Creates the sandbox and cgroups and starts the container's process; returns once the
    /// process is in its cgroups (before or after it has executed the program).
    public func launch(_ spec: ContainerSpec) throws -> ContainerHandle {
        let id = spec.containerID
        guard !isShutDown else {
            throw ContainerError(.shutDown, "cannot launch container '\(id)': the containerizer is shut down")
        }
        try spec.validate()
        guard containers[id] == nil else {
            throw ContainerError(
                .duplicateContainer, "cannot launch container '\(id)': it exists already — destroy it first")
        }
        guard containers.count < containersMax else {
            throw ContainerError(
                .containersMaxReached,
                "cannot launch container '\(id)': \(containersMax) containers (containersMax) exist already — "
                    + "destroy finished containers first")
        }
        do {
            try KernelFile.makeDirectories(spec.sandbox)
        } catch {
            throw ContainerError(
                .launchFailed, "cannot launch container '\(id)': \(error) — check the work directory is writable")
        }
        let user: ContainerUser?
        do {
            user = try ContainerUser.forContainer(spec.user, rootAllowed: rootTasksAllowed)
            if let user {
                // The output files first, then the directory: once the user owns the sandbox
                // it could plant links where the agent would create them.
                let files = ["stdout", "stderr"].map { spec.sandbox + "/" + $0 }
                for file in files { close(try ContainerSpawner.openForAppend(file)) }
                try user.own(files + [spec.sandbox])
            }
        } catch let error as ContainerError {
            throw ContainerError(error.kind, "cannot launch container '\(id)': \(error.message)")
        }
        let executable: String
        do {
            executable = try ContainerSpawner.resolve(
                spec.argv[0], searchPath: spec.environment["PATH"] ?? ContainerSpec.defaultSearchPath,
                directory: spec.sandbox)
        } catch let error as ContainerError {
            throw ContainerError(error.kind, "cannot launch container '\(id)': \(error.message)")
        }
        let cgroup = ContainerCgroup(isolation: isolation, containerID: id)
        let pid: Int32
        do {
            try cgroup?.create(memoryLimitBytes: spec.memoryLimitBytes, cpuShares: spec.cpuShares)
            waitShim?.removeStatus(of: id)
            pid = try Self.start(spec, executable: executable, user: user, cgroup: cgroup, waitShim: waitShim)
        } catch let error as ContainerError {
            try? cgroup?.remove()
            throw ContainerError(.launchFailed, "cannot launch container '\(id)': \(error.message)")
        }
        // An unreaped child's /proc entry stays, zombie or not.
        let startTime = ProcessTable.entry(pid)?.startTime ?? 0
        let handle = ContainerHandle(
            containerID: id, pid: pid, startTime: startTime, cgroups: cgroup?.directories ?? [],
            sandbox: spec.sandbox)
        containers[id] = Record(handle: handle, spec: spec, cgroup: cgroup)
        do {
            try reaper.register(pid: pid) { [weak self] status in
                Task { await self?.onExited(id, waitStatus: status) }
            }
        } catch {
            _ = Glibc.kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            try? cgroup?.remove()
            containers[id] = nil
            throw error
        }
        startMonitor()
        logger.debug("launched container", metadata: ["container": "\(id)", "pid": "\(pid)"])
        return handle
    }

    /// Spawns the process: through the launch shim into the cgroups, or directly without.
    static func start(
        _ spec: ContainerSpec, executable: String, user: ContainerUser?, cgroup: ContainerCgroup?,
        waitShim: ContainerWaitShim.Setup?
    ) throws -> Int32 {
        var program = [executable] + spec.argv.dropFirst()
        if let user { program = user.wrap(program) }
        if let waitShim {
            program = waitShim.argv(statusPath: waitShim.statusPath(spec.containerID), program: program)
        }
        var request = ContainerSpawner.Request(
            executable: program[0], argv: program, environment: spec.environment, directory: spec.sandbox,
            stdoutPath: spec.sandbox + "/stdout", stderrPath: spec.sandbox + "/stderr", statusPipe: nil)
        guard let cgroup else { return try ContainerSpawner.spawn(request) }

        guard let (readEnd, pipeWriteEnd) = GlibcExtensions.closeOnExecPipe() else {
            throw ContainerSpawner.failure("cannot create the launch shim's status pipe", errno)
        }
        defer { close(readEnd) }
        var writeEnd = try ContainerSpawner.raise(pipeWriteEnd)
        defer { if writeEnd >= 0 { close(writeEnd) } }
        request.executable = ContainerLaunchShim.shell
        request.argv = ContainerLaunchShim.argv(
            procsFiles: cgroup.procsFiles, environment: spec.environment, program: program)
        request.statusPipe = writeEnd
        let pid = try ContainerSpawner.spawn(request)
        close(writeEnd)
        writeEnd = -1
        let report = Self.readReport(readEnd, timeout: Self.joinTimeout)
        if report?.trimmed == ContainerLaunchShim.joined { return pid }

        // The shim failed (or hangs): collect it, so no zombie and no stray process remain.
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let ending = ContainerTermination.ending(waitStatus: status)
        let reason =
            report.map {
                "its process could not join its cgroups (\($0.trimmed)); the launch shim ended with \(ending)"
            }
            ?? "the launch shim did not join its cgroups within \(Self.joinTimeout)"
        throw ContainerError(.launchFailed, reason + " — run the agent as root, or without cgroup isolation")
    }

    /// Reads the shim's report until end of file; nil if it takes longer than `timeout`.
    private static func readReport(_ fd: Int32, timeout: Duration) -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count < 64 * 1024 {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(
                left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&descriptor, 1, max(1, milliseconds))
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Waiting

    /// Gives a running container new limits: its cgroups' (raising a v1 memory limit
    /// raises memsw first), or the limit the RSS poll enforces without cgroups.
    public func updateLimits(_ containerID: String, memoryLimitBytes: Int?, cpuShares: Int?) throws {
        guard var record = containers[containerID] else {
            throw ContainerError(.unknownContainer, "cannot update container '\(containerID)': there is none")
        }
        try record.cgroup?.setLimits(memoryLimitBytes: memoryLimitBytes, cpuShares: cpuShares)
        record.spec.memoryLimitBytes = memoryLimitBytes ?? record.spec.memoryLimitBytes
        record.spec.cpuShares = cpuShares ?? record.spec.cpuShares
        containers[containerID] = record
    }

    /// Waits until the container's main process has exited and the rest of the container has
    /// been killed; returns how the main process ended.
    public func wait(for containerID: String) async throws -> ContainerTermination {
        guard containers[containerID] != nil else { throw Self.unknown(containerID) }
        if let termination = await awaitTermination(containerID) { return termination }
        try Task.checkCancellation()
        throw ContainerError(.shutDown, "container '\(containerID)': the containerizer shut down while waiting")
    }

    /// The termination, or nil if the wait was cancelled, the containerizer shut down or the
    /// container was destroyed.
    private func awaitTermination(_ id: String) async -> ContainerTermination? {
        let token = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ContainerTermination?, Never>) in
                guard let record = containers[id], record.termination == nil, !isShutDown, !Task.isCancelled else {
                    continuation.resume(returning: containers[id]?.termination)
                    return
                }
                containers[id]?.waiters[token] = continuation
            }
        } onCancel: {
            Task { await self.cancelWaiter(id, token) }
        }
    }

    private func cancelWaiter(_ id: String, _ token: UInt64) {
        containers[id]?.waiters.removeValue(forKey: token)?.resume(returning: containers[id]?.termination)
    }

    /// The termination, or nil if it is not known within `timeout`.
    private func awaitTermination(_ id: String, timeout: Duration) async -> ContainerTermination? {
        let first = await withTaskGroup(of: ContainerTermination?.self) { group in
            group.addTask { await self.awaitTermination(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return first ?? containers[id]?.termination
    }

    /// The main process was reaped: check the memory limit, kill what is left, tell waiters.
    func onExited(_ id: String, waitStatus: Int32?) async {
        guard let record = containers[id], record.termination == nil else { return }
        let ending = waitStatus.map(ContainerTermination.ending(waitStatus:)) ?? .unknown
        await killRemains(of: record)
        guard var record = containers[id] else { return }
        let limit = record.spec.memoryLimitBytes
        var exceeded = record.memoryLimitExceeded
        var used: Int? = record.residentBytesMax > 0 ? record.residentBytesMax : nil
        if let cgroup = record.cgroup, limit != nil {
            exceeded =
                exceeded || cgroup.memoryLimitKilled(mainEnding: ending, killedByContainerizer: record.killRequested)
            used = cgroup.memoryEvents().maxUsedBytes ?? used
        }
        let termination = ContainerTermination(
            ending: ending, memoryLimitExceeded: exceeded, memoryLimitBytes: limit, memoryMaxUsedBytes: used,
            killedByContainerizer: record.killRequested || exceeded)
        record.termination = termination
        let waiters = record.waiters.values
        record.waiters = [:]
        containers[id] = record
        for waiter in waiters { waiter.resume(returning: termination) }
        logger.debug(
            "container ended", metadata: ["container": "\(id)", "termination": "\(termination.message)"])
    }

    // MARK: Kill and destroy

    /// Ends the container: SIGTERM to its process group, SIGKILL to the group once
    /// `gracePeriod` has passed with the main process still running; once the main process
    /// is gone, SIGKILL to everything left in the container's cgroups (also processes that
    /// left the group with setsid). Without cgroups only the process group, and the main
    /// process's descendants still traceable through /proc, are killed.
    @discardableResult
    public func kill(_ containerID: String, gracePeriod: Duration = .zero) async throws -> ContainerTermination {
        guard let record = containers[containerID] else { throw Self.unknown(containerID) }
        if let termination = record.termination { return termination }
        guard !isShutDown else {
            throw ContainerError(.shutDown, "cannot kill container '\(containerID)': the containerizer is shut down")
        }
        containers[containerID]?.killRequested = true
        let pid = record.handle.pid
        if gracePeriod > .zero {
            reaper.signal(pid: pid, SIGTERM)
            if let termination = await awaitTermination(containerID, timeout: gracePeriod) { return termination }
        }
        killNow(record)
        if let termination = await awaitTermination(containerID, timeout: Self.killTimeout) { return termination }
        throw ContainerError(
            .killFailed,
            "container '\(containerID)': process \(pid) did not exit \(Self.killTimeout) after SIGKILL — it may "
                + "be in uninterruptible sleep (state D in /proc/\(pid)/stat); check its I/O")
    }

    /// SIGKILL to the process group and main process, and without cgroups to the main
    /// process's descendants too.
    private func killNow(_ record: Record) {
        reaper.signal(pid: record.handle.pid, SIGKILL)
        guard record.cgroup == nil else { return }
        let entries = ProcessTable.all()
        for entry in ProcessTable.tree(of: record.handle.pid, in: entries).dropFirst() where !entry.isDead {
            Self.kill(entry.pid, ifStillStartedAt: entry.startTime)
        }
    }

    /// After the main process is gone: SIGKILL the process group, then whatever the cgroups
    /// still hold, until they are empty (or `cgroupSweepRoundsMax` rounds have passed).
    private func killRemains(of record: Record) async {
        reaper.signal(pid: record.handle.pid, SIGKILL)
        guard let cgroup = record.cgroup else { return }
        await sweep(cgroup, of: record.handle.containerID)
    }

    /// SIGKILL whatever the cgroups hold, until they are empty (or `cgroupSweepRoundsMax`
    /// rounds have passed).
    func sweep(_ cgroup: ContainerCgroup, of containerID: String) async {
        for _ in 0..<Self.cgroupSweepRoundsMax {
            let pids = cgroup.processes()
            if pids.isEmpty { return }
            for pid in pids { Self.kill(pid, ifIn: cgroup) }
            try? await Task.sleep(for: Self.cgroupSweepPause)
        }
        logger.warning(
            "processes remain in the container's cgroups after SIGKILL",
            metadata: ["container": "\(containerID)", "pids": "\(cgroup.processes().sorted())"])
    }

    /// SIGKILL through a pidfd once /proc confirms the process is in the cgroup, so a pid
    /// reused meanwhile is never hit.
    private static func kill(_ pid: Int32, ifIn cgroup: ContainerCgroup) {
        guard let descriptor = ProcessDescriptor.open(pid) else {
            _ = Glibc.kill(pid, SIGKILL)
            return
        }
        defer { close(descriptor) }
        if cgroup.contains(pid) { ProcessDescriptor.send(SIGKILL, to: descriptor) }
    }

    private static func kill(_ pid: Int32, ifStillStartedAt startTime: UInt64) {
        guard let descriptor = ProcessDescriptor.open(pid) else {
            if ProcessTable.isAlive(pid, startTime: startTime) { _ = Glibc.kill(pid, SIGKILL) }
            return
        }
        defer { close(descriptor) }
        if ProcessTable.isAlive(pid, startTime: startTime) { ProcessDescriptor.send(SIGKILL, to: descriptor) }
    }

    /// Kills the container if it still runs, removes its cgroups and forgets it. The sandbox
    /// stays.
    public func destroy(_ containerID: String) async throws {
        guard let record = containers[containerID] else { throw Self.unknown(containerID) }
        if record.termination == nil { try await kill(containerID) }
        if let cgroup = record.cgroup {
            var attempt = 0
            while true {
                do {
                    try cgroup.remove()
                    break
                } catch {
                    attempt += 1
                    if attempt >= Self.cgroupRemoveAttemptsMax { throw error }
                    try? await Task.sleep(for: Self.cgroupSweepPause)
                }
            }
        }
        containers[containerID] = nil
        waitShim?.removeStatus(of: containerID)
    }

    /// Stops the reaper and the limit monitor. Containers keep running (an agent restarting
    /// finds them again); waiters are answered with a `.shutDown` error.
    public func shutdown() {
        isShutDown = true
        monitor?.cancel()
        monitor = nil
        reaper.stop()
        for id in containers.keys {
            let waiters = containers[id]?.waiters.values.map { $0 } ?? []
            containers[id]?.waiters = [:]
            for waiter in waiters { waiter.resume(returning: nil) }
        }
    }

    /// Removes the cgroup root directories (they must hold no container).
    func removeCgroupRoots() throws {
        let roots: [String]
        switch isolation {
        case .cgroupsV1(let memoryRoot, let cpuRoot): roots = [memoryRoot, cpuRoot]
        case .cgroupsV2(let root): roots = [root]
        case .none: roots = []
        }
        for root in roots where rmdir(root) != 0 && errno != ENOENT {
            throw ContainerError(
                .cgroup, "cannot remove \(root): \(KernelFile.lastError) — destroy its containers first")
        }
    }

    // MARK: Memory limits (and the ends of adopted containers)

    func startMonitor() {
        guard monitor == nil else { return }
        let interval = memoryPollInterval
        monitor = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                await self.checkAdopted()
                await self.checkMemoryLimits()
            }
        }
    }

    /// With cgroups: an OOM kill in a running container ends the whole container, as in
    /// Mesos. Without: a container whose processes' RSS exceeds its limit is killed.
    private func checkMemoryLimits() {
        let running = containers.values.filter {
            $0.termination == nil && !$0.memoryLimitExceeded && $0.spec.memoryLimitBytes != nil
        }
        guard !running.isEmpty else { return }
        let entries = isolation.usesCgroups ? [] : ProcessTable.all()
        for record in running {
            let id = record.handle.containerID
            let limit = record.spec.memoryLimitBytes ?? Int.max
            var exceeded = false
            if let cgroup = record.cgroup {
                exceeded = (cgroup.memoryEvents().oomKills ?? 0) > 0
            } else {
                let pid = record.handle.pid
                let resident = ProcessTable.residentBytes(ofTree: pid, group: pid, in: entries)
                containers[id]?.residentBytesMax = max(record.residentBytesMax, resident)
                exceeded = resident > limit
            }
            if exceeded {
                logger.info(
                    "container over its memory limit; killing it",
                    metadata: ["container": "\(id)", "limit": "\(limit)"])
                containers[id]?.memoryLimitExceeded = true
                killNow(record)
            }
        }
    }

    private static func unknown(_ id: String) -> ContainerError {
        ContainerError(.unknownContainer, "no container '\(id)' — it was never launched here, or was destroyed")
    }
}

extension String {
    fileprivate var trimmed: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
