import ArgumentParser
import ClusterEdge

/// Reads `/v2/events`: each event's type and JSON (its `data:` line) until `handle`
/// returns false or the stream ends.
struct AppsEventStream {
    let api: AppsAPI
    var types: [String] = []

    func read(_ handle: (String, String) async throws -> Bool) async throws {
        let address = try api.address
        let query = types.map { "event_type=\($0)" }.joined(separator: "&")
        let request = HTTPRequestSpec(
            method: "GET", host: address.host, port: address.port,
            target: "/v2/events" + (query.isEmpty ? "" : "?" + query), headers: [("Accept", "text/event-stream")])
        try await HTTPClient.withResponse(request) { head, chunks in
            guard head.status == 200 else { throw ValidationError("Apps answered \(head.status) to /v2/events") }
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
                            return
                        }
                    }
                }
            }
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
