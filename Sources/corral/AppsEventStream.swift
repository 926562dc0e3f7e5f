import ArgumentParser
import ClusterEdge

/// Reads `/v2/events`: each event's type and JSON (its `data:` line) until `handle`
/// returns false or the stream ends.
struct AppsEventStream {
    let api: AppsAPI
    var types: [String] = []

    /// A standby redirects the stream to the leader (307); followed this many times.
    static let redirectsMax = 3

    func read(_ handle: (String, String) async throws -> Bool) async throws {
        var address = try api.address
        let query = types.map { "event_type=\($0)" }.joined(separator: "&")
        for _ in 0...Self.redirectsMax {
            let request = HTTPRequestSpec(
                method: "GET", host: address.host, port: address.port,
                target: "/v2/events" + (query.isEmpty ? "" : "?" + query),
                headers: [("Accept", "text/event-stream")] + api.credentials)
            guard let leader = try await read(request, handle) else { return }
            address = leader
        }
        throw CommandFailure("Apps redirected /v2/events more than \(Self.redirectsMax) times; is a leader elected?")
    }

    /// Reads one stream; the leader's address when redirected to it.
    private func read(_ request: HTTPRequestSpec, _ handle: (String, String) async throws -> Bool) async throws
        -> HostPort?
    {
        try await HTTPClient.withResponse(request) { head, chunks -> HostPort? in
            if head.status == 307, let location = head.header("Location"),
                let leader = HostPort(location: location.hasPrefix("http:") ? String(location.dropFirst(5)) : location)
            {
                return leader
            }
            guard head.status == 200 else { throw CommandFailure("Apps answered \(head.status) to /v2/events") }
            var pending: [UInt8] = []
            var type = ""
            while let chunk = try await chunks.next() {
                pending += chunk
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(...end)
                    if line.hasSuffix("\r") { line.removeLast() }
                    if line.hasPrefix("event:") { type = String(line.dropFirst(6)).trimmingCharacters(in: " ") }
                    if line.hasPrefix("data:") {
                        guard try await handle(type, String(line.dropFirst(5)).trimmingCharacters(in: " ")) else {
                            return nil
                        }
                    }
                }
            }
            return nil
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
