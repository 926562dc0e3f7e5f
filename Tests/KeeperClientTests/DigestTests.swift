import KeeperProtocol
import Testing

@testable import KeeperClient

@Suite("Digest ids")
struct DigestTests {
    // Values from `java org.apache.zookeeper.server.auth.DigestAuthenticationProvider alice:secret bob:p@ss:word`.
    @Test("digest ids match ZooKeeper's generateDigest")
    func digests() {
        #expect(Id.digest(user: "alice", password: "secret").id == "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=")
        #expect(Id.digest(user: "bob", password: "p@ss:word").id == "bob:PUHAPKObQoj5K6VUNoKTo2OQm0g=")
    }

    @Test(
        "base64 pads like RFC 4648",
        arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg==")])
    func base64(_ input: String, _ output: String) {
        #expect(Base64.encode(Array(input.utf8)) == output)
    }

    @Test("auth text scheme:credentials")
    func authText() {
        #expect(Authentication(parsing: "digest:u:p") == .digest(user: "u", password: "p"))
        #expect(Authentication(parsing: "nocolon") == nil)
    }
}
