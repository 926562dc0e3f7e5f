import KeeperProtocol

/// What a client sends the client port: the first frame a ConnectRequest, then request
/// frames (header and body). The first byte picks which this input is.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let frame = Array(bytes.dropFirst())
    if kind & 1 == 0 {
        if let connect = try? ConnectRequest.decode(frame) {
            var writer = JuteWriter()
            connect.write(to: &writer)
            _ = try? ConnectRequest.decode(writer.bytes)
        }
    } else {
        var reader = JuteReader(frame)
        if let header = try? RequestHeader(from: &reader) {
            _ = try? Request.read(type: header.type, from: &reader)
        }
    }
    return 0
}
