#if canImport(Glibc)
    import Glibc
#endif

/// What /proc says about processes: identity (pid and start time), family (parent, process
/// group) and resident memory.
enum ProcessTable {
    struct Entry: Equatable {
        let pid: Int32
        /// One of R S D Z T t X I … ; Z and X are dead, waiting to be reaped.
        let state: Character
        let parent: Int32
        let processGroup: Int32
        /// Field 22: clock ticks after boot.
        let startTime: UInt64
        /// Field 24: resident pages.
        let residentPages: Int

        var isDead: Bool { state == "Z" || state == "X" }
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Parses /proc/PID/stat. The command name (field 2) may hold spaces and parentheses, so
    /// fields are counted from its last ')'.
    static func entry(_ pid: Int32) -> Entry? {
        guard let text = KernelFile.readIfPresent("/proc/\(pid)/stat") else { return nil }
        return parse(stat: text)
    }

    static func parse(stat text: String) -> Entry? {
        guard let close = text.lastIndex(of: ")"), let pid = Int32(text.prefix(while: { $0 != " " })) else {
            return nil
        }
        // Fields 3 onwards: state is field 3, so field N is at index N - 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 21, let state = fields[0].first, let parent = Int32(fields[1]),
            let group = Int32(fields[2]), let start = UInt64(fields[19]), let pages = Int(fields[21])
        else { return nil }
        return Entry(
            pid: pid, state: state, parent: parent, processGroup: group, startTime: start, residentPages: pages)
    }

    /// Every process /proc lists now.
    static func all() -> [Entry] {
        KernelFile.list("/proc").compactMap { name in Int32(name).flatMap(entry) }
    }

    /// The process and everything it started that still has a live ancestor chain to it.
    static func tree(of root: Int32, in entries: [Entry]) -> [Entry] {
        var children: [Int32: [Entry]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry) }
        var found: [Entry] = entries.filter { $0.pid == root }
        var index = 0
        while index < found.count {
            found += children[found[index].pid] ?? []
            index += 1
        }
        return found
    }

    /// The resident memory of a process tree plus its process group, bytes: what a
    /// container uses when no cgroup counts it.
    static func residentBytes(ofTree root: Int32, group: Int32, in entries: [Entry]) -> Int {
        let tree = Set(tree(of: root, in: entries).map(\.pid))
        return entries.filter { !$0.isDead && (tree.contains($0.pid) || $0.processGroup == group) }
            .reduce(0) { $0 + $1.residentPages * pageSize }
    }

    /// Whether the process with this pid is the one that started at `startTime` and has
    /// not died.
    static func isAlive(_ pid: Int32, startTime: UInt64) -> Bool {
        guard let entry = entry(pid) else { return false }
        return entry.startTime == startTime && !entry.isDead
    }
}
