import KeeperProtocol
import Testing

@testable import KeeperClient

@Suite("Connect strings, chroot and host rotation")
struct ConnectStringTests {
    @Test("several hosts, default port, IPv6 and a chroot")
    func parse() throws {
        let parsed = try ConnectString("127.0.0.1:2181, zk2 ,[::1]:2183/app/keeper")
        #expect(parsed.hosts == [.init("127.0.0.1", 2181), .init("zk2", 2181), .init("::1", 2183)])
        #expect(parsed.chroot == "/app/keeper")
        #expect(parsed.description == "127.0.0.1:2181,zk2:2181,[::1]:2183/app/keeper")
    }

    @Test("a chroot of / is no chroot")
    func rootChroot() throws {
        #expect(try ConnectString("h:1/").chroot == nil)
    }

    @Test("bad connect strings", arguments: ["", "/only", "h:0", "h:x", "h:70000", "[::1", "a:1/bad/", ":1"])
    func bad(_ string: String) {
        #expect(throws: KeeperClientError.self) { try ConnectString(string) }
    }

    @Test("chroot maps paths both ways")
    func chroot() {
        let chroot = Chroot("/app")
        #expect(chroot.serverPath("/") == "/app")
        #expect(chroot.serverPath("/x") == "/app/x")
        #expect(chroot.clientPath("/app") == "/")
        #expect(chroot.clientPath("/app/x/y") == "/x/y")
        #expect(chroot.clientPath("/apple") == "/apple")
        #expect(Chroot(nil).serverPath("/x") == "/x")
    }

    @Test("hosts are tried round-robin and a round fails after every host was tried")
    func rotation() {
        var rotation = HostRotation([.init("a", 1), .init("b", 2)])
        #expect(rotation.next().name == "a")
        #expect(!rotation.roundFailed)
        #expect(rotation.next().name == "b")
        #expect(rotation.roundFailed)
        #expect(rotation.next().name == "a")
        rotation.succeeded()
        #expect(!rotation.roundFailed)
        #expect(rotation.next().name == "b")
    }
}
