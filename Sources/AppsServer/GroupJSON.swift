import AppsCore
import ClusterEdge
import UTCTime

/// `GET /v2/groups[/{id}]`: the apps as a tree of groups by their paths (Marathon's group
/// JSON: `id`, `apps`, `groups`, `pods`, `dependencies`, `version`). Groups exist here
/// only as the paths of apps: a group is there while an app is under it.
enum GroupJSON {
    /// The group `id`, or nil when no app lies under it (the root always exists).
    static func group(_ id: AppID, in scheduler: AppsScheduler, embed: AppInfoJSON.Embeds) -> JSONValue? {
        let inside = scheduler.apps.values.filter { id.isRoot || $0.id.segments.starts(with: id.segments) }
            .filter { $0.id != id }
        guard id.isRoot || !inside.isEmpty else { return nil }
        return tree(id, inside, AppInfoJSON(scheduler: scheduler), embed: embed)
    }

    private static func tree(_ id: AppID, _ apps: [AppDefinition], _ info: AppInfoJSON, embed: AppInfoJSON.Embeds)
        -> JSONValue
    {
        let depth = id.segments.count
        let direct = apps.filter { $0.id.segments.count == depth + 1 }.sorted { $0.id < $1.id }
        var children: [String: [AppDefinition]] = [:]
        for app in apps where app.id.segments.count > depth + 1 {
            children[app.id.segments[depth], default: []].append(app)
        }
        let groups = children.sorted { $0.key < $1.key }.map { name, apps in
            tree(AppID(segments: id.segments + [name]), apps, info, embed: embed)
        }
        let version = apps.map(\.version).max() ?? 0
        return .object([
            ("id", .string(id.description)), ("apps", .array(direct.map { info.app($0, embed: embed) })),
            ("groups", .array(groups)), ("pods", .array([])), ("dependencies", .array([])),
            ("version", .string(Timestamp.format(version))),
        ])
    }
}
