#if canImport(Glibc)
    import Glibc
#endif

/// One container's cgroups: a directory per v1 hierarchy (memory, cpu), or one v2 directory.
struct ContainerCgroup: Sendable, Equatable {
    enum Version: Sendable, Equatable {
        case v1
        case v2
    }

    let version: Version
    /// Where memory is limited and counted.
    let memoryDirectory: String
    /// Where cpu is weighted (the same directory in v2).
    let cpuDirectory: String

    init?(isolation: ContainerIsolation, containerID: String) {
        switch isolation {
        case .cgroupsV1(let memoryRoot, let cpuRoot):
            self.init(version: .v1, memory: memoryRoot + "/" + containerID, cpu: cpuRoot + "/" + containerID)
        case .cgroupsV2(let root):
            self.init(version: .v2, memory: root + "/" + containerID, cpu: root + "/" + containerID)
        case .none:
            return nil
        }
    }

    init(version: Version, memory: String, cpu: String) {
        self.version = version
        self.memoryDirectory = memory
        self.cpuDirectory = cpu
    }

    var directories: [String] { memoryDirectory == cpuDirectory ? [memoryDirectory] : [memoryDirectory, cpuDirectory] }

    /// The files a process writes its pid to, to join.
    var procsFiles: [String] { directories.map { $0 + "/cgroup.procs" } }

    private static func failure(_ error: any Error) -> ContainerError {
        ContainerError(.cgroup, "\(error) — run the agent as root, or without cgroup isolation")
    }

    /// Creates the directories and writes the limits, before any process joins.
    func create(memoryLimitBytes: Int?, cpuShares: Int?) throws {
        do {
            for directory in directories {
                guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                    throw KernelFileError("cannot create \(directory): \(KernelFile.lastError)")
                }
            }
            try writeLimits(memoryLimitBytes: memoryLimitBytes, cpuShares: cpuShares)
        } catch let error as KernelFileError {
            throw Self.failure(error)
        }
    }

    /// Gives a running container new limits (an executor took on another task).
    func setLimits(memoryLimitBytes: Int?, cpuShares: Int?) throws {
        do {
            try writeLimits(memoryLimitBytes: memoryLimitBytes, cpuShares: cpuShares)
        } catch let error as KernelFileError {
            throw Self.failure(error)
        }
    }

    private func writeLimits(memoryLimitBytes: Int?, cpuShares: Int?) throws {
        switch version {
        case .v1:
            if let limit = memoryLimitBytes {
                // memsw counts memory plus swap and may never be below the memory limit: it
                // is raised first and lowered last. Equal to the limit, the container cannot swap.
                let memory = memoryDirectory + "/memory.limit_in_bytes"
                let swap = memoryDirectory + "/memory.memsw.limit_in_bytes"
                let hasSwap = KernelFile.exists(swap)
                let growing = (Self.number(memory) ?? 0) < limit
                if hasSwap && growing { try KernelFile.write(swap, "\(limit)") }
                try KernelFile.write(memory, "\(limit)")
                if hasSwap && !growing { try KernelFile.write(swap, "\(limit)") }
            }
            if let shares = cpuShares { try KernelFile.write(cpuDirectory + "/cpu.shares", "\(shares)") }
        case .v2:
            if let limit = memoryLimitBytes {
                try KernelFile.write(memoryDirectory + "/memory.max", "\(limit)")
                let swap = memoryDirectory + "/memory.swap.max"
                if KernelFile.exists(swap) { try KernelFile.write(swap, "0") }
            }
            if let shares = cpuShares {
                try KernelFile.write(cpuDirectory + "/cpu.weight", "\(Self.weight(shares))")
            }
        }
    }

    /// cpu.shares (2…262144, 1024 a cpu) as cpu.weight (1…10000, 100 a cpu), the mapping
    /// Kubernetes and systemd use.
    static func weight(_ shares: Int) -> Int { 1 + (shares - 2) * 9999 / 262_142 }

    /// The processes in the container's cgroups now (zombies are not listed).
    func processes() -> Set<Int32> {
        var pids = Set<Int32>()
        for file in procsFiles {
            for line in (KernelFile.readIfPresent(file) ?? "").split(separator: "\n") {
                if let pid = Int32(line) { pids.insert(pid) }
            }
        }
        return pids
    }

    /// How often the kernel's OOM killer killed in this cgroup, and whether allocations hit
    /// the limit at all.
    struct MemoryEvents: Equatable {
        /// nil where the kernel does not count them (v1 before Linux 4.13).
        var oomKills: Int?
        /// v1 memory.failcnt: times usage reached the limit (reclaim may have saved it).
        var limitHits = 0
        /// The largest usage recorded, bytes, if the kernel records it.
        var maxUsedBytes: Int?
    }

    /// Whether the memory limit killed a process: the OOM kill counter went up, or where
    /// there is no counter, the limit was hit and the main process died of SIGKILL that the
    /// containerizer did not send.
    func memoryLimitKilled(mainEnding: ContainerTermination.Ending?, killedByContainerizer: Bool) -> Bool {
        let events = memoryEvents()
        if let kills = events.oomKills { return kills > 0 }
        return events.limitHits > 0 && mainEnding == .signaled(signal: SIGKILL) && !killedByContainerizer
    }

    func memoryEvents() -> MemoryEvents {
        var events = MemoryEvents()
        switch version {
        case .v1:
            let control = KernelFile.readIfPresent(memoryDirectory + "/memory.oom_control") ?? ""
            events.oomKills = KernelFile.counter("oom_kill", in: control)
            events.limitHits = Self.number(memoryDirectory + "/memory.failcnt") ?? 0
            events.maxUsedBytes = Self.number(memoryDirectory + "/memory.max_usage_in_bytes")
        case .v2:
            let text = KernelFile.readIfPresent(memoryDirectory + "/memory.events") ?? ""
            events.oomKills = KernelFile.counter("oom_kill", in: text)
            events.limitHits = KernelFile.counter("max", in: text) ?? 0
            events.maxUsedBytes = Self.number(memoryDirectory + "/memory.peak")
        }
        return events
    }

    private static func number(_ path: String) -> Int? {
        KernelFile.readIfPresent(path).flatMap { Int($0.split(separator: "\n").first ?? "") }
    }

    /// Whether this process is in the container's memory cgroup, by /proc/PID/cgroup.
    func contains(_ pid: Int32) -> Bool {
        guard let text = KernelFile.readIfPresent("/proc/\(pid)/cgroup") else { return false }
        let suffix = String(memoryDirectory.split(separator: "/").suffix(2).joined(separator: "/"))
        return text.split(separator: "\n").contains { line in
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return false }
            let isMemory = version == .v1 ? parts[1].split(separator: ",").contains("memory") : parts[0] == "0"
            return isMemory && parts[2].hasSuffix("/" + suffix)
        }
    }

    /// rmdir each directory; the cgroup must have no live process.
    func remove() throws {
        for directory in directories {
            if rmdir(directory) != 0 && errno != ENOENT {
                throw ContainerError(
                    .cgroup,
                    "cannot remove \(directory): \(KernelFile.lastError) — a process may still be in it; "
                        + "kill the container first")
            }
        }
    }
}
