import CorralTLS
import KeeperCore

/// What a TLS or SASL peer sends that Corral parses itself: a client certificate's subject
/// (DER), and DIGEST-MD5's directives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    if kind & 1 == 0 {
        _ = try? CertificateSubject.name(certificateDER: input)
    } else {
        _ = SASLDirectives.parse(input)
    }
    return 0
}
