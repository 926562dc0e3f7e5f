import Crypto
import KeeperCore
import Testing

@Suite("SHA-1")
struct SHA1Tests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("FIPS 180 examples")
    func knownAnswers() {
        #expect(hex(SHA1Hash.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1Hash.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(hex(SHA1Hash.hash(Array(twoBlocks.utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(hex(SHA1Hash.hash(million)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("agrees with swift-crypto on every length around the block and padding edges")
    func matchesSwiftCrypto() {
        var random = SystemRandomNumberGenerator()
        for length in 0...200 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(SHA1Hash.hash(message) == Array(Insecure.SHA1.hash(data: message)), "length \(length)")
        }
    }

    @Test("ZooKeeper's digest id for super:test, as its docs print it")
    func zooKeeperDigest() {
        #expect(DigestAuth().digest("super:test") == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
    }
}
