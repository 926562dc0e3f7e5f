import ClusterEdge
import ClusterProtocol
import KeeperClient
import KeeperProtocol
import MasterCore

/// The registry in Keeper, under the masters' election path:
///
///     PATH/registry                    {"leader": MASTER_ID}: rewritten by each new leader
///     PATH/registry/agents/AGENT_ID    a `Registry.Agent`, JSON
///     PATH/registry/frameworks/ID      a `Mesos.FrameworkInfo`, JSON
///
/// One znode per entry keeps every value far under jute.maxbuffer (an entry over
/// `entryBytesMax` is refused), and lets a write touch only what changed. A leader first
/// `claim`s the registry: it rewrites PATH/registry and keeps the version it got. Every
/// write after is one multi that checks that version before it changes an entry, so a
/// master that lost its leadership without knowing it (a newer leader claimed since) cannot
/// write: its multi fails with BADVERSION (`RegistryStoreError.superseded`).
public actor RegistryStore {
    /// The largest entry written; an AgentInfo or FrameworkInfo beyond is refused.
    public static let entryBytesMax = 256 * 1024

    let client: KeeperClient
    let root: String
    /// The ACL of every znode written (open, or everyone-read creator-all under credentials).
    let acl: [ACL]
    /// The version of `root` this master's claim produced; nil before `claim`.
    private var fence: Int32?
    /// The registry as written: what was read at the claim, with every write since.
    public private(set) var registry = Registry()

    public init(client: KeeperClient, electionPath: String, acl: [ACL] = ACL.openUnsafe) {
        self.client = client
        self.root = PathRules.join(electionPath, "registry")
        self.acl = acl
    }

    var agentsPath: String { PathRules.join(root, "agents") }
    var frameworksPath: String { PathRules.join(root, "frameworks") }

    /// Makes this master the registry's only writer and reads the registry. With `leading`
    /// (this master's election znode), the claim holds only if that znode still exists: a
    /// master deposed since it won cannot claim after the one that leads now.
    public func claim(masterID: String, leading node: String? = nil) async throws -> Registry {
        try await client.ensurePath(agentsPath, acl: acl)
        try await client.ensurePath(frameworksPath, acl: acl)
        let data = MesosJSON.encode(["leader": masterID])
        let stat: Stat
        if let node {
            let results = try await client.multi([.check(node, version: -1), .setData(root, data: data)])
            guard case .setData(let written) = results.last else { throw RegistryStoreError.notClaimed }
            stat = written
        } else {
            stat = try await client.setData(root, data: data)
        }
        fence = stat.version
        registry = try await read()
        return registry
    }

    /// Writes the entries `operations` change, atomically, if this master's claim still
    /// stands; on success `registry` has them.
    public func write(_ operations: [RegistryOperation]) async throws {
        guard let fence else { throw RegistryStoreError.notClaimed }
        var ops = [MultiOp.check(root, version: fence)]
        var registry = self.registry
        for operation in operations {
            guard case .success(let after) = registry.applying(operation), let entry = operation.entry else {
                throw RegistryStoreError.refused("\(operation)")
            }
            ops.append(try op(for: entry, before: registry, after: after))
            registry = after
        }
        do {
            try await client.multi(ops)
        } catch let error as KeeperError where error.code == .badVersion && error.path == root {
            throw RegistryStoreError.superseded
        }
        self.registry = registry
    }

    private func op(for entry: RegistryOperation.Entry, before: Registry, after: Registry) throws -> MultiOp {
        let (path, existed, data): (String, Bool, [UInt8]?) =
            switch entry {
            case .agent(let id):
                (try entryPath(agentsPath, id.value), before.agents[id] != nil, after.agents[id].map(MesosJSON.encode))
            case .framework(let id):
                (
                    try entryPath(frameworksPath, id.value), before.frameworks[id] != nil,
                    after.frameworks[id].map(MesosJSON.encode)
                )
            }
        guard let data else { return .delete(path) }
        guard data.count <= Self.entryBytesMax else {
            throw RegistryStoreError.refused("the entry for \(path) is \(data.count) bytes, over \(Self.entryBytesMax)")
        }
        return existed ? .setData(path, data: data) : .create(path, data: data, acl: acl)
    }

    /// An entry's znode: its id must be one path component.
    private func entryPath(_ directory: String, _ id: String) throws -> String {
        guard !id.isEmpty, id != ".", id != "..", !id.contains("/"), !id.utf8.contains(0) else {
            throw RegistryStoreError.refused("'\(id)' cannot name a registry entry")
        }
        return PathRules.join(directory, id)
    }

    /// Every entry, read in batches.
    func read() async throws -> Registry {
        var registry = Registry()
        for (name, data) in try await client.childrenData(of: agentsPath) {
            let agent = try Self.decode(Registry.Agent.self, data, at: PathRules.join(agentsPath, name))
            registry.agents[Mesos.AgentID(value: name)] = agent
        }
        for (name, data) in try await client.childrenData(of: frameworksPath) {
            let info = try Self.decode(Mesos.FrameworkInfo.self, data, at: PathRules.join(frameworksPath, name))
            registry.frameworks[Mesos.FrameworkID(value: name)] = info
        }
        return registry
    }

    /// An entry, or an error naming its znode: no master leads on a registry it cannot
    /// read whole (an agent entry skipped could let an agent its frameworks were told is
    /// lost come back with its tasks).
    private static func decode<T: Decodable>(_ type: T.Type, _ data: [UInt8], at path: String) throws -> T {
        do {
            return try MesosJSON.decode(type, from: data)
        } catch {
            throw RegistryStoreError.undecodable(path: path, problem: "\(error)")
        }
    }
}

public enum RegistryStoreError: Error, Equatable, CustomStringConvertible {
    /// A newer leader claimed the registry: this master no longer leads.
    case superseded
    case notClaimed
    /// An operation that does not apply, or an entry that cannot be written.
    case refused(String)
    /// An entry that does not decode: no master can lead until it is fixed.
    case undecodable(path: String, problem: String)

    public var description: String {
        switch self {
        case .superseded: "another master claimed the registry since this one did: this master no longer leads"
        case .notClaimed: "the registry was not claimed"
        case .refused(let why): "registry write refused: \(why)"
        case .undecodable(let path, let problem):
            "the registry entry \(path) does not decode (\(problem)); no master can lead on it: restore it, or "
                + "delete it with `zkcli delete \(path)` if what it says may be forgotten (an agent's entry: that "
                + "agent must then register as a new agent)"
        }
    }
}
