import Testing

@testable import KeeperCLI

@Suite("zkcli ensemble")
struct EnsembleReportTests {
    static let leader =
        "Zookeeper version: 3.8.0-corral-0.1\nZxid: 0x300000010\nMode: leader\nNode count: 9\nEpoch: 3\n"
    static let follower =
        "Zookeeper version: 3.8.0-corral-0.1\nZxid: 0x30000000c\nMode: follower\nNode count: 9\nEpoch: 3\n"

    @Test("one row per server with mode, zxid, epoch and lag behind the leader")
    func rows() {
        let report = EnsembleReport(rows: [
            EnsembleReport.parse(Self.follower, server: "127.0.0.1:2181"),
            EnsembleReport.parse(nil, server: "127.0.0.1:2182"),
            EnsembleReport.parse(Self.leader, server: "127.0.0.1:2183"),
        ])
        #expect(
            report.lines() == [
                "SERVER          MODE         ZXID         EPOCH  LAG",
                "127.0.0.1:2181  follower     0x30000000c  3      4",
                "127.0.0.1:2182  unreachable  -            -      -",
                "127.0.0.1:2183  leader       0x300000010  3      -",
            ])
    }

    @Test("a server that refuses srvr says so")
    func refused() {
        let row = EnsembleReport.parse("srvr is not executed because it is not in the whitelist.\n", server: "h:1")
        #expect(row.mode == "srvr refused (4lw.commands.whitelist)")
    }
}
