import ClusterEdge
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A listener on 127.0.0.1 that never accepts, its accept queue (backlog 0) filled by one
/// connection: the kernel drops the SYN of every connect after it, as a host cut off does.
private struct SilentListener {
    let listener: Int32
    let filler: Int32
    let port: Int

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(listener, raw, length) == 0, listen(listener, 0) == 0,
                    getsockname(listener, raw, &length) == 0
                else { throw SilentListenerError() }
            }
        }
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) }
        }
        guard connected == 0 else { throw SilentListenerError() }
        self.listener = listener
        self.filler = filler
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(filler)
        _ = Glibc.close(listener)
    }
}

private struct SilentListenerError: Error {}

@Suite("the HTTP client's connect")
struct HTTPClientCancellationTests {
    /// An agent whose leader was cut off was held for the whole connect timeout after the
    /// leader changed (found by test_netns: it registered with the new leader 4 s late).
    @Test("a connect the other side never answers ends as soon as its task is cancelled")
    func cancelledConnect() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let request = HTTPRequestSpec.json(host: "127.0.0.1", port: listener.port, target: "/", body: [])
        let attempt = Task {
            try await HTTPClient.withResponse(request, connectTimeout: .seconds(60)) { head, _ in head.status }
        }
        try await Task.sleep(for: .milliseconds(300))
        attempt.cancel()
        await #expect(throws: CancellationError.self) { _ = try await attempt.value }
    }
}
