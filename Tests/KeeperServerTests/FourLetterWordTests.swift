import Foundation
import KeeperProtocol
import KeeperServer
import Testing

@Suite("four-letter words")
struct FourLetterWordTests {
    private func ask(_ word: String, port: Int) throws -> String {
        let connection = try RawConnection(port: port)
        try connection.send(Array(word.utf8))
        return String(decoding: try connection.receiveAll(), as: UTF8.self)
    }

    @Test("ruok, isro and srvr answer in ZooKeeper's format")
    func basics() async throws {
        try await withServer { server in
            let ruokAnswer = try ask("ruok", port: server.port)
            #expect(ruokAnswer == "imok")
            let isroAnswer = try ask("isro", port: server.port)
            #expect(isroAnswer == "rw")
            let srvr = try ask("srvr", port: server.port)
            let lines = srvr.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Zookeeper version: 3.8.0") == true)
            #expect(lines.contains("Mode: standalone"))
            #expect(lines.contains("Zxid: 0x0"))
            #expect(lines.contains("Node count: 4"))
        }
    }

    @Test("mntr is tab-separated zk_ keys with live counts")
    func mntr() async throws {
        try await withServer { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            let mntr = try ask("mntr", port: server.port)
            var values: [String: String] = [:]
            for line in mntr.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                #expect(parts.count == 2, "line \(line)")
                values[String(parts[0])] = String(parts[1])
            }
            #expect(values["zk_server_state"] == "standalone")
            #expect(values["zk_znode_count"] == "4")
            #expect(values["zk_global_sessions"] == "1")
            #expect(values["zk_num_alive_connections"] == "2")
        }
    }

    @Test("dirs counts the bytes of the snapshot and log files")
    func dirs() async throws {
        let directory = NSTemporaryDirectory() + "/corral-dirs-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withServer({ $0.dataDir = directory }) { server in
            let connection = try RawConnection(port: server.port)
            _ = try connection.handshake()
            let create = Request.create(CreateRequest(path: "/sized", data: [1, 2, 3], acl: ACL.openUnsafe, flags: 0))
            let (header, _) = try connection.call(xid: 1, create)
            #expect(header.err == 0)
            let answer = try ask("dirs", port: server.port)
            let sizes = answer.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            #expect(sizes.count == 2, "\(answer)")
            // The log file holds the create (and is preallocated); both directories share dataDir.
            #expect(sizes.allSatisfy { $0 > 0 }, "\(answer)")
        }
    }

    @Test("conf, cons, stat, wchs and envi answer")
    func others() async throws {
        try await withServer { server in
            let confAnswer = try ask("conf", port: server.port)
            #expect(confAnswer.contains("tickTime=100\n"))
            let consAnswer = try ask("cons", port: server.port)
            #expect(consAnswer.contains("/127.0.0.1:"))
            let statAnswer = try ask("stat", port: server.port)
            #expect(statAnswer.contains("Clients:\n"))
            let wchsAnswer = try ask("wchs", port: server.port)
            #expect(wchsAnswer.hasSuffix("Total watches:0\n"))
            let enviAnswer = try ask("envi", port: server.port)
            #expect(enviAnswer.hasPrefix("Environment:\nzookeeper.version=3.8.0"))
        }
    }

    @Test("a word outside the whitelist gets ZooKeeper's refusal")
    func whitelist() async throws {
        try await withServer({ $0.fourLetterWords = ["srvr"] }) { server in
            let ruokAnswer = try ask("ruok", port: server.port)
            #expect(ruokAnswer == "ruok is not executed because it is not in the whitelist.\n")
            let srvrAnswer = try ask("srvr", port: server.port)
            #expect(srvrAnswer.hasPrefix("Zookeeper version"))
        }
    }
}
