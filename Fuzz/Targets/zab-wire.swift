import KeeperProtocol
import Zab

@testable import KeeperNode

/// What another server sends the quorum port: ZAB messages (ZabWire, compiled in) and the
/// requests a follower forwards (PeerRequest).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let frame = Array(bytes.dropFirst())
    if kind & 1 == 0 {
        if let message = try? ZabWire.decode(frame) { _ = try? ZabWire.decode(ZabWire.encode(message)) }
    } else {
        _ = try? PeerRequest.decode(frame)
    }
    return 0
}
