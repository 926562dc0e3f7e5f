import ClusterProtocol

/// A RecordIO stream (Mesos' subscriptions) arriving in pieces: the first byte says where
/// the stream is cut in two.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let cut = bytes.first else { return 0 }
    let stream = Array(bytes.dropFirst())
    let split = min(stream.count, Int(cut))
    var reader = RecordIOReader(recordBytesMax: 4096)
    for piece in [stream[..<split], stream[split...]] {
        reader.append(piece)
        while let record = try? reader.next() { _ = RecordIO.frame(record) }
    }
    return 0
}
