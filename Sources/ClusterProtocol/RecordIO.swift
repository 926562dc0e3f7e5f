/// Mesos' RecordIO framing of streamed events (docs/recordio.md): each record is its length
/// in bytes as decimal ASCII digits, a line feed, then the record's bytes —
/// `20\n{"type":"HEARTBEAT"}`. The length counts bytes, not characters, and a record may be
/// split across any number of HTTP chunks.
public enum RecordIO {
    /// The most digits a length header may have: a UInt64 has at most 20.
    public static let lengthDigitsMax = 20

    /// `record` with its length header.
    public static func frame(_ record: [UInt8]) -> [UInt8] {
        var framed = Array(String(record.count).utf8)
        framed.reserveCapacity(framed.count + 1 + record.count)
        framed.append(lineFeed)
        framed.append(contentsOf: record)
        return framed
    }

    static let lineFeed = UInt8(ascii: "\n")
}

/// A stream that is not Mesos RecordIO, or announces a record larger than the reader takes.
/// The stream cannot be resynchronised after one: the reader keeps failing.
public enum RecordIOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The header holds something other than decimal digits (or nothing at all).
    case lengthNotDecimal(header: String)
    /// More than `RecordIO.lengthDigitsMax` digits and still no line feed.
    case lengthTooLong(digits: Int)
    /// The header announces more than `recordBytesMax` bytes.
    case recordTooLarge(length: String, recordBytesMax: Int)

    public var description: String {
        switch self {
        case .lengthNotDecimal(let header):
            "RecordIO length header \"\(header)\" is not decimal digits"
        case .lengthTooLong(let digits):
            "RecordIO length header has \(digits) digits or more, over the \(RecordIO.lengthDigitsMax) a length may have"
        case .recordTooLarge(let length, let recordBytesMax):
            "RecordIO record of \(length) bytes is larger than the \(recordBytesMax) bytes a record may have"
        }
    }
}

/// Splits a RecordIO byte stream into records, whatever the chunks it arrives in.
///
/// `append` the bytes as they come, then call `next()` until it returns nil (it needs more
/// bytes). The reader keeps one buffer and an index of where the unparsed bytes start, so
/// many records in one chunk cost one pass; the consumed prefix is dropped when it is at
/// least half the buffer. A header announcing more than `recordBytesMax` bytes is rejected
/// as soon as its line feed arrives, before any of the body is buffered, so once `next()`
/// has returned nil the reader holds at most one header and `recordBytesMax` bytes of body.
public struct RecordIOReader: Sendable {
    public let recordBytesMax: Int

    private var buffer: [UInt8] = []
    /// Where the unparsed bytes start in `buffer`.
    private var start = 0
    /// The length of the record whose header has been read and whose body starts at `start`.
    private var bodyLength: Int?
    /// How many header bytes after `start` are known to be digits, so a header arriving one
    /// byte at a time is not scanned again from its beginning.
    private var headerDigits = 0
    private var failure: RecordIOError?

    public init(recordBytesMax: Int) {
        precondition(recordBytesMax >= 0, "recordBytesMax \(recordBytesMax) is negative")
        self.recordBytesMax = recordBytesMax
    }

    /// Bytes held that no record has been returned for yet.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole record, or nil until more bytes arrive. Throws on a malformed or
    /// oversized header, and again on every later call.
    public mutating func next() throws(RecordIOError) -> [UInt8]? {
        if let failure { throw failure }
        if bodyLength == nil {
            do {
                guard try readHeader() else { return nil }
            } catch {
                failure = error
                throw error
            }
        }
        guard let length = bodyLength, buffer.count - start >= length else { return nil }
        let record = Array(buffer[start..<(start + length)])
        start += length
        bodyLength = nil
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return record
    }

    /// Reads the length header at `start` if its line feed has arrived: true when
    /// `bodyLength` is set and `start` moved past the header.
    private mutating func readHeader() throws(RecordIOError) -> Bool {
        var index = start + headerDigits
        while index < buffer.count {
            let byte = buffer[index]
            if byte == RecordIO.lineFeed { break }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw .lengthNotDecimal(header: printable(buffer[start...index]))
            }
            guard index - start < RecordIO.lengthDigitsMax else {
                throw .lengthTooLong(digits: index - start + 1)
            }
            index += 1
        }
        headerDigits = index - start
        guard index < buffer.count else { return false }
        let digits = buffer[start..<index]
        guard !digits.isEmpty else { throw .lengthNotDecimal(header: "") }
        // Twenty digits may exceed UInt64: saturate, any such length is over the bound.
        var length: UInt64 = 0
        for digit in digits {
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            length = overflow1 || overflow2 ? .max : sum
        }
        guard length <= UInt64(recordBytesMax) else {
            throw .recordTooLarge(length: String(decoding: digits, as: UTF8.self), recordBytesMax: recordBytesMax)
        }
        bodyLength = Int(length)
        start = index + 1
        headerDigits = 0
        return true
    }

    /// The header bytes for an error message, non-printable ones as `\xNN`.
    private func printable(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }
}
