import KeeperCLI
import KeeperProtocol
import Testing

@Suite("zkcli grammar")
struct GrammarTests {
    @Test("words split on blanks; quotes and backslashes keep them together")
    func tokenizer() throws {
        #expect(try Tokenizer.words("  create /a  'hello world' ") == ["create", "/a", "hello world"])
        #expect(try Tokenizer.words(#"set /a "say \"hi\"" x\ y"#) == ["set", "/a", #"say "hi""#, "x y"])
        #expect(try Tokenizer.words("set /a ''") == ["set", "/a", ""])
        #expect(throws: Tokenizer.UnterminatedQuote.self) { try Tokenizer.words("get 'oops") }
    }

    @Test("commands and their options, before or after the path")
    func commands() throws {
        #expect(
            try Command.parse(["ls", "-s", "-R", "/a"]) == .ls(path: "/a", stat: true, recursive: true, watch: false))
        #expect(try Command.parse(["ls", "/a", "-w"]) == .ls(path: "/a", stat: false, recursive: false, watch: true))
        #expect(try Command.parse(["tree"]) == .tree(path: "/", depth: nil))
        #expect(try Command.parse(["tree", "--depth", "2", "/x"]) == .tree(path: "/x", depth: 2))
        #expect(try Command.parse(["get", "-s", "-w", "/a"]) == .get(path: "/a", stat: true, watch: true))
        #expect(try Command.parse(["stat", "/a"]) == .stat(path: "/a"))
        #expect(
            try Command.parse(["set", "-v", "3", "/a", "data"])
                == .set(path: "/a", data: "data", version: 3, stat: false))
        #expect(try Command.parse(["delete", "/a", "-v", "2"]) == .delete(path: "/a", version: 2))
        #expect(try Command.parse(["deleteall", "/a"]) == .deleteAll(path: "/a"))
        #expect(try Command.parse(["getAcl", "/a"]) == .getAcl(path: "/a", stat: false))
        #expect(try Command.parse(["addauth", "digest", "u:p"]) == .addAuth(scheme: "digest", auth: "u:p"))
        #expect(try Command.parse(["sync", "/a"]) == .sync(path: "/a"))
        #expect(try Command.parse(["watch", "-R", "/a"]) == .watch(path: "/a", recursive: true))
        #expect(try Command.parse(["dump", "/a", "--json"]) == .dump(path: "/a"))
        #expect(try Command.parse(["--help"]) == .help)
        #expect(try Command.parse(["set", "/a", "--", "-1"]) == .set(path: "/a", data: "-1", version: -1, stat: false))
    }

    @Test("create modes from -e, -s, -c and -t")
    func createModes() throws {
        #expect(
            try Command.parse(["create", "/a"]) == .create(path: "/a", data: nil, mode: .persistent, ttl: nil, acl: nil)
        )
        #expect(
            try Command.parse(["create", "-e", "-s", "/a", "d"])
                == .create(path: "/a", data: "d", mode: .ephemeralSequential, ttl: nil, acl: nil))
        #expect(
            try Command.parse(["create", "-c", "/a"])
                == .create(path: "/a", data: nil, mode: .container, ttl: nil, acl: nil))
        #expect(
            try Command.parse(["create", "-t", "5000", "-s", "/a"])
                == .create(path: "/a", data: nil, mode: .persistentSequentialWithTTL, ttl: 5000, acl: nil))
        #expect(
            try Command.parse(["create", "/a", "d", "world:anyone:r"])
                == .create(path: "/a", data: "d", mode: .persistent, ttl: nil, acl: ACL.readUnsafe))
        #expect(throws: UsageError.self) { try Command.parse(["create", "-e", "-t", "10", "/a"]) }
        #expect(throws: UsageError.self) { try Command.parse(["create", "-c", "-s", "/a"]) }
    }

    @Test(
        "usage errors",
        arguments: [
            ["ls"], ["ls", "-x", "/"], ["get", "/a", "/b"], ["set", "/a"], ["nope"], ["tree", "--depth"],
            ["delete", "-v", "x", "/a"],
        ])
    func usageErrors(_ words: [String]) {
        #expect(throws: UsageError.self) { try Command.parse(words) }
    }

    @Test("ACLs in zkCli syntax: id between the first and last colon")
    func acls() throws {
        #expect(
            try ACLText.parse("world:anyone:cdrwa,digest:user:hash=:r,ip:10.0.0.0/8:rw,auth::a") == [
                ACL(perms: .all, id: .anyone),
                ACL(perms: .read, id: Id(scheme: "digest", id: "user:hash=")),
                ACL(perms: [.read, .write], id: Id(scheme: "ip", id: "10.0.0.0/8")),
                ACL(perms: .admin, id: Id(scheme: "auth", id: "")),
            ])
        #expect(throws: UsageError.self) { try ACLText.parse("world:anyone") }
        #expect(throws: UsageError.self) { try ACLText.parse("world:anyone:x") }
        #expect(throws: UsageError.self) { try ACLText.parse("") }
        #expect(
            ACLText.lines([ACL(perms: .all, id: .anyone), ACL(perms: .read, id: Id(scheme: "digest", id: "u:h"))]) == [
                "'world,'anyone", ": cdrwa", "'digest,'u:h", ": r",
            ])
    }
}
