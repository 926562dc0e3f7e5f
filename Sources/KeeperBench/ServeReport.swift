/// What `corral bench serve` prints once its servers serve: where they are, their pids in
/// the form `corral bench keeper` takes them, and each one's mode and resident memory.
public struct ServeReport: JSONReport, Sendable {
    public struct MemberReport: Codable, Sendable {
        public var id: Int
        public var pid: Int32
        public var port: Int
        public var mode: String
        /// VmRSS when the report was made: idle, with `--settle` seconds after start.
        public var rssKib: Int
        public var log: String
    }

    public var server: ServerKind
    /// How many servers: 1 is standalone.
    public var ensemble: Int
    /// host:port,…, for `corral bench keeper --servers`.
    public var servers: String
    /// The servers' pids in the same order, for `corral bench keeper --server-pid`.
    public var pids: String
    /// srvr's version, such as 3.8.0-corral-0.1.
    public var version: String
    public var directory: String
    /// How server.1 was started (the others differ in their id or config file).
    public var command: [String]
    public var members: [MemberReport]

    public func text() -> String {
        let what = ensemble == 1 ? "one standalone server" : "an ensemble of \(ensemble)"
        var lines = ["corral bench serve: \(server.rawValue) \(version), \(what) on 127.0.0.1"]
        for member in members {
            let name = ensemble == 1 ? server.rawValue : "server.\(member.id)"
            let rss = format(Double(member.rssKib) / 1024, 1)
            lines.append(
                "  \(name)  127.0.0.1:\(member.port)  pid \(member.pid)  \(member.mode)  RSS \(rss) MiB  \(member.log)")
        }
        lines.append("  files in \(directory), removed when the servers stop")
        lines.append("Load them: corral bench keeper --servers \(servers) --server-pid \(pids) --op mixed")
        lines.append("Ctrl-C or SIGTERM stops them.")
        return lines.joined(separator: "\n")
    }
}

extension BenchEnsemble {
    /// Each member as it is now: mode (srvr) and VmRSS.
    public func report() -> ServeReport {
        let modes = currentModes()
        let members = self.members.map { member in
            let pid = pid(of: member) ?? 0
            return ServeReport.MemberReport(
                id: member.id, pid: pid, port: member.clientPort, mode: modes[member.id] ?? "down",
                rssKib: ProcessProbe.rssKiB(pid: pid) ?? 0, log: member.logPath)
        }
        return ServeReport(
            server: options.server, ensemble: members.count, servers: connectString,
            pids: members.map { "\($0.pid)" }.joined(separator: ","), version: version(), directory: directory,
            command: self.members[0].commandLine, members: members)
    }

    /// The version srvr gives ("Zookeeper version: 3.8.0-…, built on …"), up to its comma.
    private func version() -> String {
        for member in members {
            guard let reply = FourLetterWord.ask("srvr", port: member.clientPort, timeout: 1),
                let field = FourLetterWord.field("Zookeeper version", in: reply)
            else { continue }
            return String(field.prefix { $0 != "," })
        }
        return "unknown"
    }
}
