import ClusterProtocol

/// Reads RecordIO records from a streaming HTTP response body: each record as it
/// completes, however the chunks split it.
public struct RecordStream {
    /// The largest record a client accepts from a server (a master's SUBSCRIBED or
    /// OFFERS with many agents can be large).
    public static let recordBytesMaxDefault = 64 << 20

    var chunks: HTTPBodyChunks
    var reader: RecordIOReader

    public init(_ chunks: HTTPBodyChunks, recordBytesMax: Int = RecordStream.recordBytesMaxDefault) {
        self.chunks = chunks
        self.reader = RecordIOReader(recordBytesMax: recordBytesMax)
    }

    /// The next record, or nil when the stream ended cleanly.
    public mutating func next() async throws -> [UInt8]? {
        while true {
            if let record = try reader.next() { return record }
            guard let chunk = try await chunks.next() else { return nil }
            reader.append(chunk)
        }
    }
}
