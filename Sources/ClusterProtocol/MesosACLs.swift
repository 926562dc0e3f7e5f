/// Mesos' `--acls`, one file for masters and agents alike: for each action, rules of a
/// subject (principals) and an object (roles, users, framework principals, paths, agents),
/// checked in order; the first rule whose subject and object both match the request
/// decides, and it allows unless one of its entities is NONE. When none matches, `permissive` decides. A request with no principal
/// (an unauthenticated framework that names none) matches only ANY and NONE subjects.
public struct MesosACLs: Sendable, Equatable, Decodable {
    /// One entity of a rule: `{"type": "ANY"}`, `{"type": "NONE"}` or `{"values": [...]}`.
    public struct Entity: Sendable, Equatable, Decodable {
        public enum Kind: String, Sendable, Decodable {
            case any = "ANY"
            case none = "NONE"
            case some = "SOME"
        }

        public var type: Kind
        public var values: [String]

        public static let any = Entity(type: .any, values: [])
        public static let none = Entity(type: .none, values: [])
        public static func some(_ values: [String]) -> Entity { Entity(type: .some, values: values) }

        public init(type: Kind, values: [String]) {
            self.type = type
            self.values = values
        }

        enum CodingKeys: String, CodingKey { case type, values }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
            // Mesos' default type is SOME: an entity with no values matches nobody.
            type = try container.decodeIfPresent(Kind.self, forKey: .type) ?? .some
        }

        /// Whether a request's value falls under this entity; nil, an absent principal,
        /// falls only under ANY and NONE.
        func matches(_ value: String?) -> Bool {
            switch type {
            case .any, .none: true
            case .some: value.map(values.contains) ?? false
            }
        }
    }

    /// One rule: who, and on what.
    public struct Rule: Sendable, Equatable {
        public var principals: Entity
        public var object: Entity

        public init(principals: Entity, object: Entity) {
            self.principals = principals
            self.object = object
        }
    }

    /// The actions Corral enforces, with the object key Mesos' JSON gives each. The masters
    /// enforce all but the agents' own (`daemons`); the agents enforce the views, the
    /// sandboxes and get_endpoints, on what they serve.
    public enum Action: String, Sendable, CaseIterable {
        case registerFrameworks = "register_frameworks"
        case runTasks = "run_tasks"
        case teardownFrameworks = "teardown_frameworks"
        case viewFrameworks = "view_frameworks"
        case viewTasks = "view_tasks"
        /// The agents': executors (and the master has no executor views).
        case viewExecutors = "view_executors"
        /// The agents': GET_CONTAINERS.
        case viewContainers = "view_containers"
        /// The agents': `/files/*` in an executor's sandbox, by the user it runs as.
        case accessSandboxes = "access_sandboxes"
        case getEndpoints = "get_endpoints"
        case markAgentsGone = "mark_agents_gone"
        case drainAgents = "drain_agents"
        case deactivateAgents = "deactivate_agents"
        case reactivateAgents = "reactivate_agents"
        /// Corral's own: writing a znode from the web UI's Keeper browser, by path.
        case updateZnodes = "update_znodes"

        /// The key of the rule's object in Mesos' JSON.
        public var objectKey: String {
            switch self {
            case .registerFrameworks: "roles"
            case .runTasks, .viewFrameworks, .viewTasks, .viewExecutors, .viewContainers, .accessSandboxes: "users"
            case .teardownFrameworks: "framework_principals"
            case .getEndpoints, .updateZnodes: "paths"
            case .markAgentsGone, .drainAgents, .deactivateAgents, .reactivateAgents: "agents"
            }
        }

        /// Which daemons enforce the action.
        public var daemons: Daemons {
            switch self {
            case .viewFrameworks, .viewTasks, .getEndpoints: [.master, .agent]
            case .viewExecutors, .viewContainers, .accessSandboxes: .agent
            default: .master
            }
        }
    }

    /// The daemons an action concerns.
    public struct Daemons: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let master = Daemons(rawValue: 1)
        public static let agent = Daemons(rawValue: 2)
    }

    /// The actions with rules that `daemons` do not enforce (each is left to the others,
    /// as one file serves masters and agents alike): what a daemon names in its log.
    public func actionsNotEnforced(by daemons: Daemons) -> [Action] {
        Action.allCases.filter { rules[$0] != nil && $0.daemons.isDisjoint(with: daemons) }
    }

    public var permissive = true
    public var rules: [Action: [Rule]] = [:]

    public init(permissive: Bool = true, rules: [Action: [Rule]] = [:]) {
        self.permissive = permissive
        self.rules = rules
    }

    /// Whether `principal` may do `action` on `object` (nil: a framework without a
    /// principal, for teardown_frameworks, which only ANY and NONE objects match).
    public func allows(_ action: Action, principal: String?, object: String?) -> Bool {
        for rule in rules[action] ?? [] where rule.principals.matches(principal) && rule.object.matches(object) {
            return rule.principals.type != .none && rule.object.type != .none
        }
        return permissive
    }

    /// Whether any rule of `action` is configured (a view need not be filtered otherwise).
    public func governs(_ action: Action) -> Bool { !(rules[action] ?? []).isEmpty || !permissive }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Mesos' JSON; a key Corral does not enforce is an error rather than a rule ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "permissive" {
                permissive = try container.decode(Bool.self, forKey: key)
                continue
            }
            guard let action = Action(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription:
                        "Corral does not enforce '\(key.stringValue)'; it enforces permissive and \(Action.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var list = try container.nestedUnkeyedContainer(forKey: key)
            var rules: [Rule] = []
            while !list.isAtEnd {
                let rule = try list.nestedContainer(keyedBy: Key.self)
                guard rule.contains(Key(stringValue: "principals")) else {
                    throw DecodingError.keyNotFound(
                        Key(stringValue: "principals"),
                        .init(codingPath: rule.codingPath, debugDescription: "every rule names its principals"))
                }
                let object = Key(stringValue: action.objectKey)
                guard rule.contains(object) else {
                    throw DecodingError.keyNotFound(
                        object,
                        .init(
                            codingPath: rule.codingPath,
                            debugDescription: "a \(action.rawValue) rule names its \(action.objectKey)"))
                }
                rules.append(
                    Rule(
                        principals: try rule.decode(Entity.self, forKey: Key(stringValue: "principals")),
                        object: try rule.decode(Entity.self, forKey: object)))
            }
            self.rules[action] = rules
        }
    }
}
