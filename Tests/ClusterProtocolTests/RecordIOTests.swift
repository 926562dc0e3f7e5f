import ClusterProtocol
import CorralSim
import Testing

@Suite("RecordIO")
struct RecordIOTests {
    /// Every record `reader` yields now.
    private func drain(_ reader: inout RecordIOReader) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    private func stream(_ records: [[UInt8]]) -> [UInt8] {
        records.flatMap { RecordIO.frame($0) }
    }

    private let samples: [[UInt8]] = [
        Array(#"{"type":"HEARTBEAT"}"#.utf8), [], Array("0".utf8), Array("12\n34\n".utf8),
        Array(repeating: 0x41, count: 300),
    ]

    @Test("a frame is the decimal byte length, a line feed and the bytes")
    func frame() {
        #expect(RecordIO.frame(Array(#"{"type":"HEARTBEAT"}"#.utf8)) == Array("20\n{\"type\":\"HEARTBEAT\"}".utf8))
        #expect(RecordIO.frame([]) == Array("0\n".utf8))
    }

    @Test("records drip-fed one byte at a time come out whole")
    func dripFed() throws {
        var reader = RecordIOReader(recordBytesMax: 1000)
        var records: [[UInt8]] = []
        for byte in stream(samples) {
            reader.append([byte])
            records += try drain(&reader)
        }
        #expect(records == samples)
        #expect(reader.bufferedByteCount == 0)
    }

    @Test("many records in one buffer come out in one pass")
    func manyInOneBuffer() throws {
        let records = (0..<20_000).map { Array("{\"n\":\($0)}".utf8) }
        var reader = RecordIOReader(recordBytesMax: 100)
        reader.append(stream(records))
        #expect(try drain(&reader) == records)
        #expect(reader.bufferedByteCount == 0)
    }

    @Test("a record spanning buffers waits for its last byte")
    func spanning() throws {
        let record = Array(#"{"type":"OFFERS","offers":{"offers":[]}}"#.utf8)
        let framed = RecordIO.frame(record) + RecordIO.frame([0x7B, 0x7D])
        var reader = RecordIOReader(recordBytesMax: 1000)
        reader.append(framed[0..<1])
        #expect(try reader.next() == nil)
        reader.append(framed[1..<10])
        #expect(try reader.next() == nil)
        reader.append(framed[10..<(framed.count - 3)])
        #expect(try reader.next() == record)
        #expect(try reader.next() == nil)
        reader.append(framed[(framed.count - 3)...])
        #expect(try reader.next() == [0x7B, 0x7D])
        #expect(try reader.next() == nil)
    }

    @Test("the length counts UTF-8 bytes, not characters")
    func utf8Length() throws {
        let text = #"{"message":"héllo ✓ 🦒"}"#
        let framed = RecordIO.frame(Array(text.utf8))
        #expect(text.count == 23)
        #expect(Array(framed.prefix(3)) == Array("29\n".utf8))
        var reader = RecordIOReader(recordBytesMax: 29)
        var received = 0
        for byte in framed {
            reader.append(CollectionOfOne(byte))
            if let record = try reader.next() {
                #expect(String(decoding: record, as: UTF8.self) == text)
                received += 1
            }
        }
        #expect(received == 1)
    }

    @Test("headers that are not decimal digits are rejected, and the reader stays failed")
    func badHeaders() throws {
        let cases: [(String, RecordIOError)] = [
            ("12a\n", .lengthNotDecimal(header: "12a")),
            ("\n{}", .lengthNotDecimal(header: "")),
            ("-1\n", .lengthNotDecimal(header: "-")),
            (" 2\n{}", .lengthNotDecimal(header: " ")),
            ("2\r\n{}", .lengthNotDecimal(header: "2\\x0D")),
            ("+2\n{}", .lengthNotDecimal(header: "+")),
        ]
        for (input, expected) in cases {
            var reader = RecordIOReader(recordBytesMax: 100)
            reader.append(Array(input.utf8))
            #expect(throws: expected, "\(input)") { try reader.next() }
            reader.append(Array("2\n{}".utf8))
            #expect(throws: expected, "stays failed after \(input)") { try reader.next() }
        }
        #expect(
            RecordIOError.lengthNotDecimal(header: "12a").description
                == "RecordIO length header \"12a\" is not decimal digits")
    }

    @Test("a header longer than 20 digits is rejected before its line feed arrives")
    func headerTooLong() throws {
        var reader = RecordIOReader(recordBytesMax: 100)
        reader.append(Array(repeating: UInt8(ascii: "0"), count: 20))
        #expect(try reader.next() == nil)
        reader.append([UInt8(ascii: "1")])
        #expect(throws: RecordIOError.lengthTooLong(digits: 21)) { try reader.next() }

        // Twenty digits are a header; this one is far over any bound (and over UInt64).
        var big = RecordIOReader(recordBytesMax: 100)
        big.append(Array("99999999999999999999\n".utf8))
        #expect(throws: RecordIOError.recordTooLarge(length: "99999999999999999999", recordBytesMax: 100)) {
            try big.next()
        }
        // Leading zeros are digits like any other.
        var zeros = RecordIOReader(recordBytesMax: 100)
        zeros.append(Array("00000000000000000002\n{}".utf8))
        #expect(try zeros.next() == Array("{}".utf8))
    }

    @Test("a length over recordBytesMax is rejected as soon as the header is read")
    func overBound() throws {
        var reader = RecordIOReader(recordBytesMax: 100)
        reader.append(Array("100\n".utf8) + Array(repeating: 0x61, count: 100))
        #expect(try reader.next()?.count == 100)
        reader.append(Array("101\n".utf8))
        #expect(throws: RecordIOError.recordTooLarge(length: "101", recordBytesMax: 100)) { try reader.next() }
        // What arrives after the failure is not kept.
        reader.append(Array(repeating: 0x61, count: 10_000))
        #expect(reader.bufferedByteCount == 4)
        #expect(
            RecordIOError.recordTooLarge(length: "101", recordBytesMax: 100).description
                == "RecordIO record of 101 bytes is larger than the 100 bytes a record may have")
    }

    @Test(
        "random records split at random points come out whole, holding at most one record",
        arguments: testSeeds(Array(1...20)))
    func randomSplits(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let recordBytesMax = random.between(1, 600)
        var records: [[UInt8]] = []
        for _ in 0..<random.between(1, 200) {
            let maxCount = random.percent(10) ? recordBytesMax : min(recordBytesMax, 40)
            records.append(random.bytes(maxCount: maxCount))
        }
        let bytes = stream(records)
        var reader = RecordIOReader(recordBytesMax: recordBytesMax)
        var received: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let medium = random.between(1, 30)
            let end = min(bytes.count, offset + random.weighted([(5, 1), (3, medium), (1, 2000)]))
            reader.append(bytes[offset..<end])
            offset = end
            received += try drain(&reader)
            #expect(
                reader.bufferedByteCount <= recordBytesMax + RecordIO.lengthDigitsMax + 1,
                "CORRAL_SEED=\(seed) swift test --filter ClusterProtocolTests")
        }
        #expect(received == records, "CORRAL_SEED=\(seed) swift test --filter ClusterProtocolTests")
        #expect(reader.bufferedByteCount == 0)
    }
}
