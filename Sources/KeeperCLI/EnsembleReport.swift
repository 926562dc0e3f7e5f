import KeeperClient

/// `zkcli ensemble`: one row per server of the connect string, from its `srvr` answer:
/// mode (leader, follower, looking, standalone), last zxid, epoch, and how many
/// transactions it is behind the leader.
public struct EnsembleReport: Sendable {
    public struct Row: Sendable, Equatable {
        public var server: String
        public var mode: String
        public var zxid: Int64?
        public var epoch: Int64?
    }

    public var rows: [Row]

    public static func load(_ hosts: [ConnectString.Host]) async -> EnsembleReport {
        var rows: [Row] = []
        for host in hosts {
            let answer = try? await FourLetterWord.ask("srvr", host: host.name, port: host.port)
            rows.append(parse(answer, server: host.description))
        }
        return EnsembleReport(rows: rows)
    }

    static func parse(_ srvr: String?, server: String) -> Row {
        guard let srvr, !srvr.isEmpty else { return Row(server: server, mode: "unreachable") }
        var row = Row(server: server, mode: "?")
        for line in srvr.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmedOfSpaces }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "Mode": row.mode = parts[1]
            case "Zxid": row.zxid = Int64(parts[1].dropFirst(2), radix: 16)
            case "Epoch": row.epoch = Int64(parts[1])
            default: break
            }
        }
        if srvr.contains("not in the whitelist") { row.mode = "srvr refused (4lw.commands.whitelist)" }
        return row
    }

    /// Transactions behind the leader in the same epoch, or nil when that means nothing.
    func lag(_ row: Row) -> Int64? {
        guard let leader = rows.first(where: { $0.mode == "leader" }), let leaderZxid = leader.zxid,
            let zxid = row.zxid,
            leaderZxid >> 32 == zxid >> 32
        else { return nil }
        return max(0, leaderZxid - zxid)
    }

    public func lines() -> [String] {
        let header = ["SERVER", "MODE", "ZXID", "EPOCH", "LAG"]
        let body = rows.map { row in
            [
                row.server, row.mode, row.zxid.map { "0x" + String(UInt64(bitPattern: $0), radix: 16) } ?? "-",
                row.epoch.map(String.init) ?? "-", row.mode == "leader" ? "-" : lag(row).map(String.init) ?? "-",
            ]
        }
        let table = [header] + body
        let widths = (0..<header.count).map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            zip(cells, widths).map { $0.padded(to: $1 + 2) }.joined().trimmedOfSpaces
        }
    }
}

extension StringProtocol {
    fileprivate var trimmedOfSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }

    fileprivate func padded(to length: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, length - count))
    }
}
