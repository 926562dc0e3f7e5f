import ClusterProtocol
import FoundationEssentials

extension MesosACLs {
    /// `--acls` as Mesos takes it, on masters and agents: the JSON itself, or the path of a
    /// file holding it (`file:///path` or a plain path).
    public static func parsing(flag text: String) throws(ACLsError) -> MesosACLs {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        var bytes = Array(text.utf8)
        if !trimmed.hasPrefix("{") {
            let path = text.hasPrefix("file://") ? String(text.dropFirst(7)) : text
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ACLsError(message: "cannot read \(path); give the ACLs as JSON or the path of a JSON file")
            }
            bytes = Array(data)
        }
        do {
            return try JSONTapeDecoder().decode(MesosACLs.self, from: bytes)
        } catch {
            throw ACLsError(message: "not Mesos' ACLs JSON: \(error)")
        }
    }
}

extension MesosACLs {
    /// What a daemon logs when the file has rules it leaves to the others (one file serves
    /// masters and agents alike), or nil.
    public func notEnforced(by daemon: Daemons) -> String? {
        let left = actionsNotEnforced(by: daemon)
        guard !left.isEmpty else { return nil }
        let others = daemon == .master ? "agents" : "masters"
        let name = daemon == .master ? "master" : "agent"
        return
            "--acls: \(left.map(\.rawValue).joined(separator: ", ")) \(left.count == 1 ? "is" : "are") the \(others)' to enforce; this \(name) leaves \(left.count == 1 ? "it" : "them") to them"
    }
}

public struct ACLsError: Error, CustomStringConvertible {
    public var message: String

    public var description: String { "--acls: \(message)" }
}
