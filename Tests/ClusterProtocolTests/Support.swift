import ClusterProtocol
import Foundation

/// The seeds a random test runs: `CORRAL_SEED=<n>` picks one.
func testSeeds(_ defaults: [UInt64]) -> [UInt64] {
    if let text = ProcessInfo.processInfo.environment["CORRAL_SEED"], let seed = UInt64(text) { return [seed] }
    return defaults
}

/// Decodes with Foundation's coder as the edges will: no key strategy.
func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

/// Encodes with sorted keys, so that the text can be compared exactly.
func encode<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Decodes what `encode` wrote.
func roundTrip<T: Codable>(_ value: T) throws -> T {
    try decode(T.self, try encode(value))
}

/// The `DecodingError` a document fails with, or nil if it decodes.
func decodingError<T: Decodable>(_ type: T.Type, _ json: String) -> DecodingError? {
    do {
        _ = try decode(type, json)
        return nil
    } catch let error as DecodingError {
        return error
    } catch {
        return nil
    }
}

/// Two JSON texts hold the same document (key order and spacing aside).
func sameJSON(_ lhs: String, _ rhs: String) throws -> Bool {
    let left = try JSONSerialization.jsonObject(with: Data(lhs.utf8)) as? NSDictionary
    let right = try JSONSerialization.jsonObject(with: Data(rhs.utf8)) as? NSDictionary
    return left != nil && left == right
}

/// Sixteen bytes 0, 1, … 15: an acknowledgement uuid.
let sampleUUID = Mesos.Bytes(Array(0..<16))
let sampleUUIDBase64 = "AAECAwQFBgcICQoLDA0ODw=="
