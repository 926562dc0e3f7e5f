/// Maps between the paths a chrooted client uses and the paths the server sees, the
/// way ZooKeeper's Java client does: requests get the chroot prefixed, and paths coming
/// back (created names, watch events, ephemerals) get it stripped.
struct Chroot: Hashable, Sendable {
    /// nil for no chroot; otherwise a valid path other than "/".
    let root: String?

    init(_ root: String?) {
        self.root = root
    }

    func serverPath(_ clientPath: String) -> String {
        guard let root else { return clientPath }
        return clientPath == "/" ? root : root + clientPath
    }

    func clientPath(_ serverPath: String) -> String {
        guard let root else { return serverPath }
        if serverPath == root { return "/" }
        if serverPath.hasPrefix(root + "/") { return String(serverPath.dropFirst(root.count)) }
        return serverPath
    }
}
