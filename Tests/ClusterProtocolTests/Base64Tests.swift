import ClusterProtocol
import CorralSim
import Foundation
import Testing

@Suite("base64")
struct Base64Tests {
    @Test("RFC 4648's test vectors encode and decode")
    func rfcVectors() throws {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Mesos.Base64.encode(Array(plain.utf8)) == encoded)
            #expect(try Mesos.Base64.decode(encoded) == Array(plain.utf8))
        }
        #expect(Mesos.Bytes(Array(0..<16)).base64 == sampleUUIDBase64)
    }

    @Test("random bytes agree with Foundation's base64 both ways", arguments: testSeeds(Array(1...10)))
    func againstFoundation(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<200 {
            let bytes = random.bytes(maxCount: 70)
            let foundation = Data(bytes).base64EncodedString()
            #expect(Mesos.Base64.encode(bytes) == foundation, "CORRAL_SEED=\(seed)")
            #expect(try Mesos.Base64.decode(foundation) == bytes, "CORRAL_SEED=\(seed)")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Mesos.Base64.encode(all) == Data(all).base64EncodedString())
    }

    @Test("bad characters, lengths and padding are rejected with a reason")
    func rejects() {
        let cases = [
            ("Zg=", "length 3 is not a multiple of 4"),
            ("Zg", "length 2 is not a multiple of 4"),
            ("Zm9v!A==", "character '!' at offset 4 is not base64"),
            ("Zm-v", "character '-' at offset 2 is not base64"),
            ("Zm_v", "character '_' at offset 2 is not base64"),
            ("Zm v", "character ' ' at offset 2 is not base64"),
            ("Zm=v", "padding '=' in the middle, at offset 2"),
            ("Zg==Zg==", "padding '=' in the middle, at offset 2"),
            ("====", "padding '=' in the middle, at offset 0"),
            ("Z===", "padding '=' in the middle, at offset 1"),
            ("Zh==", "non-zero bits after the last byte at offset 1"),
            ("Zm9=", "non-zero bits after the last byte at offset 2"),
            ("Zm\u{E9}", "byte 0xc3 at offset 2 is not base64"),
            ("Zm9v\n", "length 5 is not a multiple of 4"),
        ]
        for (text, message) in cases {
            #expect(throws: Mesos.Base64Error(message: message), "\(text)") { try Mesos.Base64.decode(text) }
        }
    }

    @Test("Bytes is a base64 string in JSON, and bad base64 fails decoding with its path")
    func bytesCodable() throws {
        let status = Mesos.TaskStatus(taskID: "t", state: .running, data: Mesos.Bytes(utf8: "hi"), uuid: sampleUUID)
        let json = try encode(status)
        #expect(
            json == #"{"data":"aGk=","state":"TASK_RUNNING","task_id":{"value":"t"},"uuid":"\#(sampleUUIDBase64)"}"#)
        #expect(try roundTrip(status) == status)
        let error = decodingError(
            Mesos.TaskStatus.self, #"{"task_id":{"value":"t"},"state":"TASK_RUNNING","uuid":"AAEC%wQF"}"#)
        #expect(error?.protocolDescription == "uuid: bad base64: character '%' at offset 4 is not base64")
    }
}
