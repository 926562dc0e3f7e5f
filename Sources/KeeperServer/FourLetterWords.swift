import FoundationEssentials
import Glibc
import KeeperCore
import KeeperNode
import KeeperStorage
import NIOCore
import Zab

/// The four-letter words on the client port, in the formats of ZooKeeper 3.8, so that
/// monitoring scripts written for ZooKeeper read them unchanged. Words outside
/// `4lw.commands.whitelist` get ZooKeeper's refusal line.
struct FourLetterWords {
    /// The protocol level Keeper speaks, in the form tools parse from `srvr` and `envi`.
    static let version = "3.8.0-corral-0.1, built on 2026-11-26 00:00 UTC"

    let config: KeeperConfig
    let uptime: NIODeadline
    let remotes: [ConnectionID: ClientRemote]

    func answer(_ word: String, status: NodeStatus) -> String {
        guard config.allows(word) else { return "\(word) is not executed because it is not in the whitelist.\n" }
        switch word {
        case "ruok": return "imok"
        case "isro": return "rw"
        case "srvr": return srvr(status)
        case "stat": return stat(status)
        case "mntr": return mntr(status)
        case "conf": return conf()
        case "cons": return cons(status)
        case "wchs": return wchs(status)
        case "envi": return envi()
        case "dirs": return dirs()
        default: return ""
        }
    }

    func wchc(_ watches: [(session: Int64, paths: [String])]) -> String {
        lines(watches.flatMap { ["0x\(Self.hex($0.session))"] + $0.paths.map { "\t" + $0 } } + [""])
    }

    func wchp(_ watches: [(path: String, sessions: [Int64])]) -> String {
        lines(watches.flatMap { [$0.path] + $0.sessions.map { "\t0x\(Self.hex($0))" } } + [""])
    }

    // MARK: - dump

    /// What ZooKeeper answers any word that needs a running server while it has none
    /// (electing a leader, or not yet in sync with one).
    static let notServing = "This ZooKeeper instance is not currently serving requests\n"
    /// ZooKeeper's `zookeeper.nio.sessionlessCnxnTimeout`: how long a connection without a
    /// session lives, and the width of its connection factory's expiry buckets.
    static let sessionlessConnectionTimeout: Int64 = 10_000

    /// `dump`, as ZooKeeper 3.8's DumpCommand prints it with its (default) NIO connection
    /// factory: the session tracker, the ephemeral nodes by session, and the connections by
    /// when they expire. A leader or a standalone server expires sessions and lists them in
    /// its expiry buckets (tickTime apart); a follower only knows each session's timeout.
    /// Buckets come in time order and everything within one in id order (ZooKeeper's are
    /// hash sets); an emptied bucket is gone at once, where ZooKeeper lists it with 0 until
    /// its time comes.
    func dump(_ status: NodeStatus, sessions: SessionTable, ephemerals: [Int64: Set<String>], now: NodeTime)
        -> String
    {
        guard status.serving else { return Self.notServing }
        let ordered = sessions.sessions.values.sorted { $0.id < $1.id }
        let tracker = status.mode == "follower" ? globalSessions(ordered) : sessionSets(ordered, now: now)
        return lines(
            ["SessionTracker dump:"] + tracker + ["ephemeral nodes dump:"] + ephemeralLines(ephemerals)
                + ["Connections dump:"] + connectionSets(status.connections, now: now))
    }

    /// SessionTrackerImpl: `Session Sets (buckets)/(sessions):`, then each bucket.
    private func sessionSets(_ sessions: [SessionTable.Session], now: NodeTime) -> [String] {
        let buckets = Dictionary(grouping: sessions, by: \.expiresAt).mapValues { $0.map { "0x\(Self.hex($0.id))" } }
        return ["Session " + Self.expirySets(buckets, count: sessions.count, now: now)]
    }

    /// LearnerSessionTracker: `Global Sessions(count):`, then `0xid<TAB>timeoutms` by id.
    private func globalSessions(_ sessions: [SessionTable.Session]) -> [String] {
        let rows = sessions.map { "0x\(Self.hex($0.id))\t\($0.timeout)ms" }
        return ["Global Sessions(\(rows.count)):"] + rows
    }

    /// DataTree.dumpEphemerals: each session with ephemerals, then its paths.
    private func ephemeralLines(_ ephemerals: [Int64: Set<String>]) -> [String] {
        let owners = ephemerals.keys.sorted()
        return ["Sessions with Ephemerals (\(owners.count)):"]
            + owners.flatMap { ["0x\(Self.hex($0)):"] + (ephemerals[$0] ?? []).sorted().map { "\t" + $0 } }
    }

    /// NIOServerCnxnFactory: a connection expires its session timeout (a sessionless one
    /// 10 s) after it was last heard from, rounded up to the next 10 s. `connections` come
    /// in id order.
    private func connectionSets(_ connections: [ConnectionStatus], now: NodeTime) -> [String] {
        let interval = Self.sessionlessConnectionTimeout
        var buckets: [Int64: [String]] = [:]
        for connection in connections {
            let heardAt =
                remotes[connection.id].map { Int64($0.heardAt.uptimeNanoseconds / 1_000_000) } ?? now.monotonic
            let timeout = connection.session == 0 ? interval : Int64(connection.timeout)
            let deadline = ((heardAt + timeout) / interval + 1) * interval
            buckets[deadline, default: []].append(
                "ip: \(remote(connection)) sessionId: 0x\(Self.hex(connection.session))")
        }
        return ["Connections " + Self.expirySets(buckets, count: connections.count, now: now)]
    }

    /// ExpiryQueue.dump: `Sets (buckets)/(members):`, then per bucket in time order
    /// `N expire at DATE:` and its members (in the order given), one per line after a tab.
    private static func expirySets(_ buckets: [Int64: [String]], count: Int, now: NodeTime) -> String {
        var text = "Sets (\(buckets.count))/(\(count)):"
        for deadline in buckets.keys.sorted() {
            let members = buckets[deadline]!
            let wall = now.wall + deadline - now.monotonic
            text += "\n\(members.count) expire at \(javaDate(wall)):" + members.map { "\n\t" + $0 }.joined()
        }
        return text
    }

    /// java.util.Date's toString in the local time zone: `Wed Dec 02 19:23:34 UTC 2026`.
    static func javaDate(_ millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var text = [CChar](repeating: 0, count: 64)
        let count = strftime(&text, text.count, "%a %b %d %H:%M:%S %Z %Y", &parts)
        return String(decoding: text[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func dirs() -> String {
        let files = PosixFileSystem()
        let snapshots = config.dataDir.map(files.bytesUsed(under:)) ?? 0
        let logs = (config.dataLogDir ?? config.dataDir).map(files.bytesUsed(under:)) ?? 0
        return "datadir_size: \(snapshots)\nlogdir_size: \(logs)\n"
    }

    private func serverLines(_ status: NodeStatus) -> [String] {
        let c = status.counters
        return [
            "Latency min/avg/max: \(c.minLatency)/\(Self.decimal(c.averageLatency))/\(c.maxLatency)",
            "Received: \(c.received)",
            "Sent: \(c.sent)",
            "Connections: \(status.connections.count)",
            "Outstanding: \(status.outstandingRequests)",
            "Zxid: 0x\(String(UInt64(bitPattern: status.zxid), radix: 16))",
            "Mode: \(status.mode)",
            "Node count: \(status.nodeCount)",
        ] + ensembleLines(status)
    }

    /// Past ZooKeeper's lines: the epoch, and on a leader each follower and how far behind it is.
    private func ensembleLines(_ status: NodeStatus) -> [String] {
        guard config.isEnsemble else { return [] }
        var lines = ["Epoch: \(status.epoch)"]
        for follower in status.followers {
            let lag = follower.behind
            let state = follower.synced ? "synced" : "syncing"
            lines.append("Follower \(follower.id): \(state), acked 0x\(Self.hex(follower.ackedZxid)), lag \(lag)")
        }
        return lines
    }

    private func srvr(_ status: NodeStatus) -> String {
        lines(["Zookeeper version: \(Self.version)"] + serverLines(status))
    }

    private func stat(_ status: NodeStatus) -> String {
        let clients = status.connections.map { connection in
            " \(remote(connection))[1](queued=\(connection.queued),recved=\(connection.stats.received),sent=\(connection.stats.sent))"
        }
        return lines(["Zookeeper version: \(Self.version)", "Clients:"] + clients + [""] + serverLines(status))
    }

    private func cons(_ status: NodeStatus) -> String {
        let rows = status.connections.map { connection -> String in
            let s = connection.stats
            var fields = ["queued=\(connection.queued)", "recved=\(s.received)", "sent=\(s.sent)"]
            if connection.session != 0 {
                fields += [
                    "sid=0x\(Self.hex(connection.session))", "lop=\(s.lastOp)", "est=\(s.establishedAt)",
                    "to=\(connection.timeout)",
                ]
                if s.lastCxid >= 0 { fields.append("lcxid=0x\(String(s.lastCxid, radix: 16))") }
                fields += [
                    "lzxid=0x\(Self.hex(s.lastZxid))", "llat=\(s.lastLatency)", "minlat=\(s.minLatency)",
                    "avglat=\(s.averageLatency)", "maxlat=\(s.maxLatency)",
                ]
            }
            return " \(remote(connection))[1](\(fields.joined(separator: ",")))"
        }
        return lines(rows + [""])
    }

    private func mntr(_ status: NodeStatus) -> String {
        let c = status.counters
        let values: [(String, String)] =
            [
                ("version", Self.version),
                ("server_state", status.mode),
                ("avg_latency", Self.decimal(c.averageLatency)),
                ("max_latency", "\(c.maxLatency)"),
                ("min_latency", "\(c.minLatency)"),
                ("packets_received", "\(c.received)"),
                ("packets_sent", "\(c.sent)"),
                ("num_alive_connections", "\(status.connections.count)"),
                ("outstanding_requests", "\(status.outstandingRequests)"),
                ("uptime", "\(uptimeMilliseconds)"),
                ("znode_count", "\(status.nodeCount)"),
                ("watch_count", "\(status.watchCount)"),
                ("ephemerals_count", "\(status.ephemeralCount)"),
                ("approximate_data_size", "\(status.approximateDataSize)"),
                ("global_sessions", "\(status.sessionCount)"),
                ("local_sessions", "0"),
                ("auth_failed_count", "\(c.authFailures)"),
            ] + ensembleMetrics(status)
        return values.map { "zk_\($0.0)\t\($0.1)\n" }.joined()
    }

    private func ensembleMetrics(_ status: NodeStatus) -> [(String, String)] {
        guard config.isEnsemble else { return [] }
        var values: [(String, String)] = [
            ("epoch", "\(status.epoch)"), ("last_logged_zxid", "0x\(Self.hex(status.lastLoggedZxid))"),
        ]
        if status.mode == "leader" {
            values.append(("followers", "\(status.followers.count)"))
            values.append(("synced_followers", "\(status.followers.filter(\.synced).count)"))
            for follower in status.followers {
                values.append(("follower_\(follower.id)_lag", "\(follower.behind)"))
            }
        }
        return values
    }

    private func conf() -> String {
        lines([
            "clientPort=\(config.clientPort)",
            "secureClientPort=\(config.secureClientPort ?? -1)",
            "dataDir=\(config.dataDir ?? "")",
            "dataDirSize=0",
            "dataLogDir=\(config.dataLogDir ?? config.dataDir ?? "")",
            "dataLogSize=0",
            "tickTime=\(config.tickTime)",
            "maxClientCnxns=\(config.maxClientCnxns)",
            "minSessionTimeout=\(config.effectiveMinSessionTimeout)",
            "maxSessionTimeout=\(config.effectiveMaxSessionTimeout)",
            "clientPortListenBacklog=-1",
            "serverId=\(config.myId ?? 0)",
        ])
    }

    private func wchs(_ status: NodeStatus) -> String {
        lines([
            "\(status.watchingConnectionCount) connections watching \(status.watchedPathCount) paths",
            "Total watches:\(status.watchCount)",
        ])
    }

    private func envi() -> String {
        let info = ProcessInfo.processInfo
        return lines([
            "Environment:",
            "zookeeper.version=\(Self.version)",
            "host.name=\(info.hostName)",
            "os.name=\(info.operatingSystemVersionString.split(separator: " ").first.map(String.init) ?? "Linux")",
            "os.version=\(info.operatingSystemVersionString)",
            "user.name=\(info.environment["USER"] ?? "<NA>")",
            "user.home=\(info.environment["HOME"] ?? "<NA>")",
            "user.dir=\(FileManager.default.currentDirectoryPath)",
            "os.memory.free=<NA>",
            "corral.pid=\(info.processIdentifier)",
        ])
    }

    private var uptimeMilliseconds: Int64 { (NIODeadline.now() - uptime).nanoseconds / 1_000_000 }

    private func remote(_ connection: ConnectionStatus) -> String {
        let port = remotes[connection.id]?.port ?? 0
        return "/\(connection.address):\(port)"
    }

    private func lines(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }

    static func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }

    /// Java's Double.toString for the averages ZooKeeper prints: "0.0", "1.5", "2.25".
    static func decimal(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        let text = String(rounded)
        return text.contains(".") ? text : text + ".0"
    }
}
