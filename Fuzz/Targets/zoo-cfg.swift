/// zoo.cfg (ConfigParser, compiled in) and the JAAS file SASL users come from.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    if kind & 1 == 0 {
        _ = try? ConfigParser.parse(text, file: "zoo.cfg")
    } else {
        _ = try? JAASConfig.parse(text)
        _ = try? JAASConfig.digestUsers(text, section: "Server")
    }
    return 0
}
