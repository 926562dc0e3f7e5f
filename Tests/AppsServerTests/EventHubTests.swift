import AppsCore
import ClusterEdge
import Testing

@testable import AppsServer

/// `/v2/events` subscribers: filtered by type, framed as Marathon frames them, bounded.
@Suite struct EventHubTests {
    @Test("each subscriber gets the types it asked for, as event/data lines with CRLF")
    func filtered() async {
        let hub = EventHub()
        let all = hub.attach(types: [], access: .unrestricted)!
        let deployments = hub.attach(types: ["deployment_success"], access: .unrestricted)!
        hub.publish(type: "status_update_event", json: .object([("eventType", "status_update_event")]), apps: [])
        hub.publish(type: "deployment_success", json: .object([("id", "d1")]), apps: [])
        let everything = String(decoding: await all.next() ?? [], as: UTF8.self)
        #expect(
            everything.contains("event: status_update_event\r\ndata: {\"eventType\":\"status_update_event\"}\r\n\r\n"))
        #expect(everything.contains("event: deployment_success\r\ndata: {\"id\":\"d1\"}\r\n\r\n"))
        #expect(
            String(decoding: await deployments.next() ?? [], as: UTF8.self)
                == "event: deployment_success\r\ndata: {\"id\":\"d1\"}\r\n\r\n")
    }

    @Test("a subscriber that stops reading is cut off at the outbox's bound, and one past subscribersMax is refused")
    func bounded() {
        let hub = EventHub()
        let slow = hub.attach(types: [], access: .unrestricted)!
        let big = JSONValue.string(String(repeating: "x", count: 64 * 1024))
        for _ in 0..<(EventOutbox.bytesMaxDefault / (64 * 1024) + 2) {
            hub.publish(type: "status_update_event", json: big, apps: [])
        }
        #expect(slow.overflowed)
        #expect(hub.count == 0)
        for _ in 0..<EventHub.subscribersMax { _ = hub.attach(types: [], access: .unrestricted) }
        #expect(hub.attach(types: [], access: .unrestricted) == nil)
    }
}
