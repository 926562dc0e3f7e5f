import KeeperProtocol

/// ACLs as zkCli writes them: `scheme:id:perms` entries separated by commas
/// (`world:anyone:cdrwa,digest:user:hash:r`); the id is everything between the first and
/// the last colon, so digest ids with their own colon work.
public enum ACLText {
    public static func parse(_ text: String) throws(UsageError) -> [ACL] {
        var acl: [ACL] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            guard let first = entry.firstIndex(of: ":"), let last = entry.lastIndex(of: ":"), first != last else {
                throw UsageError("\(entry) does not have the form scheme:id:perm")
            }
            let perms = String(entry[entry.index(after: last)...])
            guard let permissions = Permissions(letters: perms) else {
                throw UsageError("\(entry): unknown permission in \(perms) (use c, d, r, w, a)")
            }
            let id = Id(scheme: String(entry[..<first]), id: String(entry[entry.index(after: first)..<last]))
            acl.append(ACL(perms: permissions, id: id))
        }
        guard !acl.isEmpty else { throw UsageError("empty ACL") }
        return acl
    }

    /// getAcl's lines: `'world,'anyone` then `: cdrwa` for each entry.
    public static func lines(_ acl: [ACL]) -> [String] {
        acl.flatMap { ["'\($0.id.scheme),'\($0.id.id)", ": \($0.perms)"] }
    }
}
