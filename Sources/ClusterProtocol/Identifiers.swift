import ClusterCore

/// What a Mesos id names: a phantom type, so that a framework's id is never taken for an
/// agent's although both are a string in `{"value":"…"}`.
public protocol MesosIdentifierKind: Sendable {}

extension Mesos {
    /// Mesos' id messages (FrameworkID, AgentID, …): a string in `{"value":"…"}`, one Swift
    /// type per kind of thing named.
    public struct Identifier<Kind: MesosIdentifierKind>: Codable, Hashable, Comparable, Sendable,
        ExpressibleByStringLiteral, CustomStringConvertible
    {
        public var value: String

        public init(value: String) {
            self.value = value
        }

        public init(_ value: String) {
            self.value = value
        }

        public init(stringLiteral value: String) {
            self.value = value
        }

        public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.value < rhs.value }
        public var description: String { value }
    }

    /// A framework's id, assigned by the master when the framework first subscribes. JSON `{"value":"…"}`.
    public typealias FrameworkID = Identifier<FrameworkKind>
    public enum FrameworkKind: MesosIdentifierKind {}

    /// An agent's id, assigned by the master when the agent registers. JSON `{"value":"…"}`.
    public typealias AgentID = Identifier<AgentKind>
    public enum AgentKind: MesosIdentifierKind {}

    /// An offer's id, unique within the master's lifetime. JSON `{"value":"…"}`.
    public typealias OfferID = Identifier<OfferKind>
    public enum OfferKind: MesosIdentifierKind {}

    /// A task's id, chosen by its framework; unique among the framework's tasks. JSON `{"value":"…"}`.
    public typealias TaskID = Identifier<TaskKind>
    public enum TaskKind: MesosIdentifierKind {}

    /// An executor's id, chosen by its framework (or the agent, for the command executor). JSON `{"value":"…"}`.
    public typealias ExecutorID = Identifier<ExecutorKind>
    public enum ExecutorKind: MesosIdentifierKind {}

    /// An offer operation's id, chosen by its framework to hear of the operation's progress. JSON `{"value":"…"}`.
    public typealias OperationID = Identifier<OperationKind>
    public enum OperationKind: MesosIdentifierKind {}

    /// A container's id; a nested container names its parent. JSON
    /// `{"value":"…","parent":{"value":"…"}}`.
    public struct ContainerID: Codable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        public var value: String
        // An array of at most one element: a struct cannot hold an optional of itself.
        private var parentStorage: [ContainerID]

        public var parent: ContainerID? {
            get { parentStorage.first }
            set { parentStorage = newValue.map { [$0] } ?? [] }
        }

        public init(value: String, parent: ContainerID? = nil) {
            self.value = value
            self.parentStorage = parent.map { [$0] } ?? []
        }

        public init(_ value: String) {
            self.init(value: value)
        }

        public init(stringLiteral value: String) {
            self.init(value: value)
        }

        /// The values from the outermost container down to this one.
        public var path: [String] { (parent?.path ?? []) + [value] }

        public static func < (lhs: ContainerID, rhs: ContainerID) -> Bool {
            lhs.path.lexicographicallyPrecedes(rhs.path)
        }

        /// `parent.child`, as Mesos prints nested container ids.
        public var description: String { path.joined(separator: ".") }

        enum CodingKeys: String, CodingKey {
            case value
            case parent
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                value: try container.decode(String.self, forKey: .value),
                parent: try container.decodeIfPresent(ContainerID.self, forKey: .parent))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .value)
            try container.encodeIfPresent(parent, forKey: .parent)
        }
    }
}

extension Mesos.Identifier where Kind == Mesos.AgentKind {
    public init(_ id: ClusterCore.AgentID) {
        self.init(value: id.value)
    }
}

extension ClusterCore.AgentID {
    public init(_ id: Mesos.AgentID) {
        self.init(id.value)
    }
}

extension Mesos.Identifier where Kind == Mesos.FrameworkKind {
    public init(_ id: ClusterCore.FrameworkID) {
        self.init(value: id.value)
    }
}

extension ClusterCore.FrameworkID {
    public init(_ id: Mesos.FrameworkID) {
        self.init(id.value)
    }
}
