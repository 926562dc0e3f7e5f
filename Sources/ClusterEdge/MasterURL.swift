/// Where a client finds the leading master: `zk://[user:password@]host:port,…/path`
/// (the masters' election in Keeper) or a plain `host:port` (one master; a standby
/// redirects to the leader).
public enum MasterURL: Sendable, Equatable, CustomStringConvertible {
    case keeper(connectString: String, path: String, credentials: String?)
    case direct(host: String, port: Int)

    public init(parsing text: String) throws(MasterURLError) {
        if text.hasPrefix("zk://") {
            var rest = Substring(text.dropFirst(5))
            var credentials: String?
            // The last '@' before the path ends the credentials: a password may hold '@'.
            let hostsEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<hostsEnd].lastIndex(of: "@") {
                credentials = String(rest[..<at])
                rest = rest[rest.index(after: at)...]
                guard let colon = credentials?.firstIndex(of: ":"), colon != credentials?.startIndex else {
                    throw MasterURLError(
                        text: "zk://****@…", problem: "its credentials must be user:password (Keeper's digest scheme)")
                }
            }
            guard let slash = rest.firstIndex(of: "/") else {
                throw MasterURLError(
                    text: text, problem: "it names no path (zk://HOSTS/PATH, e.g. zk://127.0.0.1:2181/mesos)")
            }
            let hosts = String(rest[..<slash])
            var path = String(rest[slash...])
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            guard !hosts.isEmpty, path != "/" else {
                throw MasterURLError(text: text, problem: "it needs hosts and a path other than / (zk://HOSTS/PATH)")
            }
            for host in hosts.split(separator: ",") where HostPort(parsing: String(host)) == nil {
                throw MasterURLError(text: text, problem: "'\(host)' is not HOST:PORT")
            }
            self = .keeper(connectString: hosts, path: path, credentials: credentials)
            return
        }
        let bare =
            text.hasPrefix("http://")
            ? String(text.dropFirst(7)) : text.hasPrefix("https://") ? String(text.dropFirst(8)) : text
        let hostPort = bare.split(separator: "/", maxSplits: 1).first.map(String.init) ?? bare
        guard let parsed = HostPort(parsing: hostPort) else {
            throw MasterURLError(text: text, problem: "expected HOST:PORT or zk://HOSTS/PATH")
        }
        self = .direct(host: parsed.host, port: parsed.port)
    }

    public var description: String {
        switch self {
        case .keeper(let connectString, let path, let credentials):
            "zk://" + (credentials.map { _ in "****@" } ?? "") + connectString + path
        case .direct(let host, let port): "\(host):\(port)"
        }
    }
}

public struct MasterURLError: Error, CustomStringConvertible {
    public var text: String
    public var problem: String

    public var description: String { "'\(text)' is not a master URL: \(problem)" }
}

/// `host:port`, the port 1–65535.
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon != text.startIndex
        else { return nil }
        self.host = String(text[..<colon])
        self.port = port
    }

    /// The host and port of a redirect's `Location: //host:port/path` (a master's 307).
    public init?(location: String) {
        self.init(parsing: String(location.drop { $0 == "/" }.prefix { $0 != "/" }))
    }

    public var description: String { "\(host):\(port)" }
}
