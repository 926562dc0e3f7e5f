import ClusterEdge
import FoundationEssentials
import KeeperClient
import KeeperProtocol
import Logging

/// The read-only Keeper endpoint the web UI browses: one znode at a time (data, stat,
/// ACL, children) over a session of its own, opened on first use, and each server's
/// `mntr` for the ensemble's health. Nothing here writes.
public actor KeeperBrowser {
    /// The most children listed for one znode; the rest are counted, not named.
    public static let childrenListedMax = 10_000
    /// How long each server has to answer `mntr`.
    static let mntrTimeout: Duration = .seconds(2)

    let connectString: String
    /// Where the masters contend (`/mesos` of `zk://…/mesos`).
    let mastersPath: String
    private let logger: Logger
    /// The session, or its connection under way: every request waits on the same one.
    private var connecting: Task<KeeperClient, Error>?

    /// The credentials of the masters' zk:// URL, presented so the browser reads what they can.
    private let access: KeeperAccess

    public init(connectString: String, mastersPath: String, access: KeeperAccess, logger: Logger) {
        self.connectString = connectString
        self.mastersPath = mastersPath
        self.access = access
        self.logger = logger
    }

    /// The masters contending, in election order (the first leads): `[{address, znode}]`.
    func masters() async throws -> JSONValue {
        let client = try await session()
        let candidates = try await client.getChildren(mastersPath).filter { $0.hasPrefix(MasterElection.prefix) }
            .sorted { $0.suffix(10) < $1.suffix(10) }
        var masters: [JSONValue] = []
        for name in candidates {
            guard let (data, _) = try? await client.getData(PathRules.join(mastersPath, name)),
                let address = MasterElection.address(fromInfo: data)
            else { continue }
            masters.append(
                .object([("address", .string("\(address.host):\(address.port)")), ("znode", .string(name))]))
        }
        return .object([("path", .string(mastersPath)), ("masters", .array(masters))])
    }

    /// `{path, data (base64), stat, acl, children, children_total}`.
    func znode(_ path: String) async throws -> JSONValue {
        let client = try await session()
        let (data, stat) = try await client.getData(path)
        let (acl, _) = try await client.getACL(path)
        let children = try await client.getChildren(path).sorted()
        return .object([
            ("path", .string(path)),
            ("data", .string(Data(data).base64EncodedString())),
            ("stat", Self.stat(stat)),
            ("acl", .array(acl.map(Self.entry))),
            ("children", .array(children.prefix(Self.childrenListedMax).map { .string($0) })),
            ("children_total", .int(Int64(children.count))),
        ])
    }

    /// An operator's change from the UI, through the masters' session (with their Keeper
    /// credentials, and creating with their ACL). The caller has checked that it is
    /// allowed and that it is not under the masters' own path.
    enum Change: Sendable {
        case create(data: [UInt8])
        case setData([UInt8], version: Int32)
        case delete(version: Int32)
    }

    func change(_ path: String, _ change: Change) async throws {
        let client = try await session()
        switch change {
        case .create(let data): try await client.create(path, data: data, acl: access.acl)
        case .setData(let data, let version): _ = try await client.setData(path, data: data, version: version)
        case .delete(let version): try await client.delete(path, version: version)
        }
    }

    /// Whether `path` is the masters' election or under it (the registry too).
    /// Compared byte by byte: a character comparison would let `/mesos/` followed by a
    /// combining mark pass as another path.
    nonisolated func isMastersOwn(_ path: String) -> Bool {
        path.utf8.elementsEqual(mastersPath.utf8) || path.utf8.starts(with: (mastersPath + "/").utf8)
    }

    /// Each server of the connect string with what its `mntr` says, or why it said nothing.
    func ensemble() async -> JSONValue {
        let hosts = (try? ConnectString(connectString).hosts) ?? []
        let answers = await withTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, host) in hosts.enumerated() {
                group.addTask { (index, await Self.mntr(host)) }
            }
            var answers: [(Int, JSONValue)] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return .object([("servers", .array(answers))])
    }

    private static func mntr(_ host: ConnectString.Host) async -> JSONValue {
        do {
            let text = try await FourLetterWord.ask("mntr", host: host.name, port: host.port, timeout: mntrTimeout)
            var figures: [(String, JSONValue)] = []
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2 else { continue }
                figures.append((String(parts[0]), .string(String(parts[1]))))
            }
            guard !figures.isEmpty else {
                return server(host, error: String(text.split(separator: "\n").first ?? ""))
            }
            return .object([("server", .string(host.description)), ("mntr", .object(figures))])
        } catch {
            return server(host, error: "\(error)")
        }
    }

    private static func server(_ host: ConnectString.Host, error: String) -> JSONValue {
        .object([("server", .string(host.description)), ("error", .string(error.isEmpty ? "no answer" : error))])
    }

    /// The session, connected on first use and again after a `reset`. Requests that come
    /// while it connects wait for the same connection (an actor takes calls while one waits).
    private func session() async throws -> KeeperClient {
        if let connecting { return try await connecting.value }
        let (connectString, logger) = (self.connectString, self.logger)
        let task = Task {
            let configuration = access.configuration(sessionTimeout: .seconds(30))
            let client = try await KeeperClient.connect(connectString, configuration: configuration)
            logger.info("Keeper browser connected to \(connectString)")
            return client
        }
        connecting = task
        do {
            return try await task.value
        } catch {
            if connecting == task { connecting = nil }
            throw error
        }
    }

    /// Drops the session after a failure, so the next request connects afresh.
    func reset() async {
        guard let task = connecting else { return }
        connecting = nil
        if let client = try? await task.value { await client.close() }
    }

    static func entry(_ acl: ACL) -> JSONValue {
        .object([
            ("perms", .string(acl.perms.description)), ("scheme", .string(acl.id.scheme)), ("id", .string(acl.id.id)),
        ])
    }

    /// Zxids and the session id as hex strings (`0x…`), as zkCli prints them: a session id
    /// (server id << 56) is past what a JavaScript number holds exactly.
    static func stat(_ stat: Stat) -> JSONValue {
        .object([
            ("czxid", hex(stat.czxid)), ("mzxid", hex(stat.mzxid)), ("pzxid", hex(stat.pzxid)),
            ("ctime", .int(stat.ctime)), ("mtime", .int(stat.mtime)), ("version", .int(Int64(stat.version))),
            ("cversion", .int(Int64(stat.cversion))), ("aversion", .int(Int64(stat.aversion))),
            ("ephemeralOwner", hex(stat.ephemeralOwner)), ("dataLength", .int(Int64(stat.dataLength))),
            ("numChildren", .int(Int64(stat.numChildren))),
        ])
    }

    private static func hex(_ value: Int64) -> JSONValue {
        .string("0x" + String(UInt64(bitPattern: value), radix: 16))
    }
}
