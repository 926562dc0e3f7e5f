import KeeperProtocol

/// A ZooKeeper connect string: `host:port[,host:port…][/chroot]`, the form every
/// ZooKeeper client accepts. IPv6 hosts are written in brackets (`[::1]:2181`); a host
/// without a port gets ZooKeeper's default client port 2181.
public struct ConnectString: Hashable, Sendable, CustomStringConvertible {
    public struct Host: Hashable, Sendable, CustomStringConvertible {
        public var name: String
        public var port: Int

        public init(_ name: String, _ port: Int) {
            self.name = name
            self.port = port
        }

        public var description: String { name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)" }
    }

    public static let defaultPort = 2181

    public var hosts: [Host]
    /// The subtree every path of this client is relative to, or nil for the whole tree.
    public var chroot: String?

    public init(hosts: [Host], chroot: String? = nil) {
        self.hosts = hosts
        self.chroot = chroot
    }

    public init(_ string: String) throws(KeeperClientError) {
        var hostPart = Substring(string)
        var chroot: String?
        if let slash = string.firstIndex(of: "/") {
            hostPart = string[..<slash]
            let root = String(string[slash...])
            guard PathRules.isValid(root) else { throw .invalidConnectString(string, reason: "bad chroot \(root)") }
            chroot = root == "/" ? nil : root
        }
        var hosts: [Host] = []
        for entry in hostPart.split(separator: ",", omittingEmptySubsequences: true) {
            hosts.append(try Self.parseHost(entry.trimmingSpaces, in: string))
        }
        guard !hosts.isEmpty else { throw .invalidConnectString(string, reason: "no host") }
        self.init(hosts: hosts, chroot: chroot)
    }

    private static func parseHost(_ entry: Substring, in string: String) throws(KeeperClientError) -> Host {
        var name = entry
        var portText: Substring?
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw .invalidConnectString(string, reason: "unclosed [ in \(entry)")
            }
            name = entry[entry.index(after: entry.startIndex)..<close]
            let rest = entry[entry.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalidConnectString(string, reason: "bad host \(entry)") }
                portText = rest.dropFirst()
            }
        } else if let colon = entry.lastIndex(of: ":") {
            name = entry[..<colon]
            portText = entry[entry.index(after: colon)...]
        }
        guard !name.isEmpty else { throw .invalidConnectString(string, reason: "empty host name") }
        guard let portText else { return Host(String(name), defaultPort) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .invalidConnectString(string, reason: "bad port \(portText)")
        }
        return Host(String(name), port)
    }

    public var description: String {
        hosts.map(\.description).joined(separator: ",") + (chroot ?? "")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
