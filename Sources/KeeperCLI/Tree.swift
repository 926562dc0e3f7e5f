import KeeperClient
import KeeperProtocol

/// A subtree as `tree` shows it: names indented under their parents, with data sizes and
/// an ephemeral marker; below the depth limit only a count of hidden children.
public struct TreeNode: Equatable, Sendable {
    public var name: String
    public var dataLength: Int32
    public var isEphemeral: Bool
    public var childCount: Int
    /// Loaded children, sorted by name; empty past the depth limit.
    public var children: [TreeNode]

    public init(name: String, dataLength: Int32, isEphemeral: Bool, childCount: Int, children: [TreeNode] = []) {
        self.name = name
        self.dataLength = dataLength
        self.isEphemeral = isEphemeral
        self.childCount = childCount
        self.children = children
    }

    /// Reads `path` and its descendants down to `depth` levels below it (nil: all).
    public static func load(_ client: KeeperClient, path: String, depth: Int?) async throws -> TreeNode {
        let (names, stat) = try await client.getChildrenWithStat(path)
        var node = TreeNode(
            name: path, dataLength: stat.dataLength, isEphemeral: stat.ephemeralOwner != 0, childCount: names.count)
        guard depth.map({ $0 > 0 }) ?? true else { return node }
        for name in names.sorted() {
            do {
                var child = try await load(client, path: PathRules.join(path, name), depth: depth.map { $0 - 1 })
                child.name = name
                node.children.append(child)
            } catch let error as KeeperError where error.code == .noNode {
                continue
            }
        }
        return node
    }

    /// The lines to print, drawn with box characters like tree(1).
    public func lines() -> [String] {
        [label] + Self.childLines(children, hidden: children.isEmpty ? childCount : 0, prefix: "")
    }

    private var label: String {
        var details = ["\(dataLength) bytes"]
        if isEphemeral { details.append("ephemeral") }
        if children.isEmpty && childCount > 0 { details.append("\(childCount) children not shown") }
        return "\(name) (\(details.joined(separator: ", ")))"
    }

    private static func childLines(_ children: [TreeNode], hidden: Int, prefix: String) -> [String] {
        var lines: [String] = []
        for (index, child) in children.enumerated() {
            let last = index == children.count - 1
            lines.append(prefix + (last ? "└── " : "├── ") + child.label)
            lines += childLines(child.children, hidden: 0, prefix: prefix + (last ? "    " : "│   "))
        }
        return lines
    }
}
