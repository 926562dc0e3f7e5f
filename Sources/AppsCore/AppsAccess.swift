/// What one user of Apps' REST API may do under one path, as Marathon's example
/// authorization plugin writes it (`{"allowed": "create", "on": "/dev"}`).
public struct AppsPermission: Sendable, Equatable {
    /// Marathon's verbs: `create` an app or group, `update` it (scale, restart, kill its
    /// tasks, roll it back, cancel its deployments), `delete` it, `view` it.
    public enum Operation: String, Sendable, CaseIterable, Comparable {
        case create, update, delete, view

        public static func < (lhs: Operation, rhs: Operation) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var operations: Set<Operation>
    /// The group or app it covers, with everything under it, segment by segment: `/dev`
    /// covers `/dev` and `/dev/web`, not `/devops`; `/` covers every app.
    public var path: AppID

    public init(_ operations: Set<Operation>, on path: AppID) {
        self.operations = operations
        self.path = path
    }

    public func covers(_ operation: Operation, _ id: AppID) -> Bool {
        operations.contains(operation) && id.segments.starts(with: path.segments)
    }
}

/// What one request may do: everything (Apps without users, or a user given every
/// permission on `/`), or what its user's permissions cover. A user with no permission
/// on a path neither changes nor sees the apps under it.
public struct AppsAccess: Sendable {
    /// Who asked: nil when Apps authenticates nobody.
    public let user: String?
    /// nil: every operation on every path.
    private let permissions: [AppsPermission]?

    /// Apps without authentication: every request may do everything.
    public static let unrestricted = AppsAccess(user: nil, permissions: nil)

    public init(user: String?, permissions: [AppsPermission]?) {
        self.user = user
        self.permissions = permissions
    }

    public var isUnrestricted: Bool {
        permissions.map { list in list.contains { $0.path == .root && $0.operations.count == 4 } } ?? true
    }

    public func allows(_ operation: AppsPermission.Operation, _ id: AppID) -> Bool {
        permissions?.contains { $0.covers(operation, id) } ?? true
    }

    /// May view every one of `ids`.
    public func sees(_ ids: some Sequence<AppID>) -> Bool {
        ids.allSatisfy { allows(.view, $0) }
    }

    /// May view `group` or something under it: such a user is shown the group with what
    /// they may see of it.
    public func seesPart(of group: AppID) -> Bool {
        allows(.view, group)
            || (permissions ?? []).contains {
                $0.operations.contains(.view) && $0.path.segments.starts(with: group.segments)
            }
    }
}
