#if canImport(Glibc)
    import Glibc
#endif

/// Which isolation the containerizer asks for.
public enum ContainerIsolationMode: Sendable, Equatable {
    /// cgroups v1 if the memory and cpu hierarchies are writable, else cgroups v2 if its
    /// root offers memory and cpu, else none.
    case automatic
    /// cgroups v1, or fail.
    case cgroupsV1
    /// cgroups v2, or fail.
    case cgroupsV2
    /// No cgroups, even where they are available: memory limits by polling RSS.
    case none
}

/// How containers are isolated: where their cgroups are, or that there are none.
public enum ContainerIsolation: Sendable, Equatable, CustomStringConvertible {
    /// One directory per container under each root: `memory/<root>/<id>`, `cpu/<root>/<id>`.
    case cgroupsV1(memoryRoot: String, cpuRoot: String)
    /// One directory per container under `root`, with the memory and cpu controllers on.
    case cgroupsV2(root: String)
    /// No cgroups: the containerizer polls each container's process tree RSS every
    /// `pollInterval` and kills it over its limit; kill reaches the process group only.
    /// `forced` when asked for, rather than found.
    case none(pollInterval: Duration, forced: Bool)

    /// What the agent logs at start.
    public var description: String {
        switch self {
        case .cgroupsV1(let memoryRoot, let cpuRoot):
            if let (mount, memory, cpu, root) = Self.commonParts(memoryRoot, cpuRoot) {
                return "cgroups v1 (memory, cpu) under \(mount)/{\(memory),\(cpu)}/\(root)"
            }
            return "cgroups v1 (memory, cpu) under \(memoryRoot) and \(cpuRoot)"
        case .cgroupsV2(let root):
            return "cgroups v2 (memory, cpu) under \(root)"
        case .none(let interval, let forced):
            let milliseconds =
                interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
            let start = forced ? "cgroup isolation off" : "no writable cgroup"
            return "\(start): memory limits enforced by polling RSS every \(milliseconds) ms"
        }
    }

    public var usesCgroups: Bool {
        if case .none = self { return false }
        return true
    }

    /// Splits `/m/memory/r` and `/m/cpu/r` into (`/m`, `memory`, `cpu`, `r`).
    private static func commonParts(_ a: String, _ b: String) -> (String, String, String, String)? {
        let x = a.split(separator: "/", omittingEmptySubsequences: false)
        let y = b.split(separator: "/", omittingEmptySubsequences: false)
        guard x.count == y.count, x.count >= 3, x.last == y.last, x.dropLast(2) == y.dropLast(2) else { return nil }
        return (x.dropLast(2).joined(separator: "/"), String(x[x.count - 2]), String(y[y.count - 2]), String(x.last!))
    }

    /// Finds the isolation `mode` asks for under the cgroup mount point (`/sys/fs/cgroup`),
    /// creating the root directory `rootName` in each hierarchy it will use.
    static func detect(
        mode: ContainerIsolationMode, mount: String, rootName: String, pollInterval: Duration
    ) throws -> ContainerIsolation {
        switch mode {
        case .none:
            return .none(pollInterval: pollInterval, forced: true)
        case .cgroupsV1:
            return try v1(mount: mount, rootName: rootName)
        case .cgroupsV2:
            return try v2(mount: mount, rootName: rootName)
        case .automatic:
            if let found = try? v1(mount: mount, rootName: rootName) { return found }
            if let found = try? v2(mount: mount, rootName: rootName) { return found }
            return .none(pollInterval: pollInterval, forced: false)
        }
    }

    private static func unavailable(_ what: String) -> ContainerError {
        ContainerError(
            .isolationUnavailable,
            "\(what) — run the agent as root with the cgroup hierarchies mounted, or without cgroup isolation")
    }

    private static func v1(mount: String, rootName: String) throws -> ContainerIsolation {
        let memory = mount + "/memory"
        let cpu = mount + "/cpu"
        guard KernelFile.exists(memory + "/memory.limit_in_bytes") else {
            throw unavailable("no cgroup v1 memory hierarchy at \(memory)")
        }
        guard KernelFile.exists(cpu + "/cpu.shares") else { throw unavailable("no cgroup v1 cpu hierarchy at \(cpu)") }
        let memoryRoot = memory + "/" + rootName
        let cpuRoot = cpu + "/" + rootName
        for root in [memoryRoot, cpuRoot] {
            do { try KernelFile.makeDirectories(root) } catch { throw unavailable("\(error)") }
            guard access(root, W_OK) == 0 else { throw unavailable("cannot write \(root): \(KernelFile.lastError)") }
        }
        return .cgroupsV1(memoryRoot: memoryRoot, cpuRoot: cpuRoot)
    }

    private static func v2(mount: String, rootName: String) throws -> ContainerIsolation {
        // A pure v2 system mounts it at /sys/fs/cgroup; a hybrid one at /sys/fs/cgroup/unified.
        guard
            let hierarchy = [mount, mount + "/unified"].first(where: {
                KernelFile.exists($0 + "/cgroup.controllers")
            })
        else { throw unavailable("no cgroup v2 hierarchy at \(mount) or \(mount)/unified") }
        let wanted = ["memory", "cpu"]
        let available = try enabled(in: hierarchy + "/cgroup.controllers")
        guard wanted.allSatisfy(available.contains) else {
            throw unavailable(
                "the cgroup v2 hierarchy at \(hierarchy) offers controllers [\(available.sorted().joined(separator: " "))], "
                    + "not memory and cpu (they are held by cgroup v1)")
        }
        let root = hierarchy + "/" + rootName
        do {
            try enable(wanted, in: hierarchy)
            try KernelFile.makeDirectories(root)
            try enable(wanted, in: root)
        } catch let error as KernelFileError {
            throw unavailable("\(error)")
        }
        return .cgroupsV2(root: root)
    }

    private static func enabled(in file: String) throws -> Set<String> {
        do { return Set(try KernelFile.read(file).split(whereSeparator: \.isWhitespace).map(String.init)) } catch {
            throw unavailable("\(error)")
        }
    }

    /// Turns controllers on for a v2 cgroup's children, unless they are on already.
    private static func enable(_ controllers: [String], in directory: String) throws {
        let file = directory + "/cgroup.subtree_control"
        let on = (try? enabled(in: file)) ?? []
        let missing = controllers.filter { !on.contains($0) }
        guard !missing.isEmpty else { return }
        try KernelFile.write(file, missing.map { "+" + $0 }.joined(separator: " "))
    }
}
