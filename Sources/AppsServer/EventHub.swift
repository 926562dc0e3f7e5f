import AppsCore
import ClusterEdge
import ClusterProtocol
import NIOConcurrencyHelpers
import Synchronization

/// The subscribers of `/v2/events` on this instance, each a server-sent event stream
/// (`event: TYPE`, one `data:` line of JSON, CRLF line ends, as Marathon's Jetty servlet
/// writes). A subscriber that falls `EventOutbox.bytesMaxDefault` behind is cut off, as a
/// scheduler's stream is.
final class EventHub: Sendable {
    /// The most subscribers at once: one more is refused (503) rather than held.
    static let subscribersMax = 256

    private struct Subscriber {
        var outbox: EventOutbox
        /// The event types it asked for (`event_type=`); empty: every type.
        var types: Set<String>
        /// What its user may see: an event of an app it may not view is not sent.
        var access: AppsAccess

        func wants(_ type: String, apps: [AppID]) -> Bool {
            (types.isEmpty || types.contains(type)) && access.sees(apps)
        }
    }

    private let subscribers = NIOLockedValueBox<[StreamID: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)

    /// A new subscriber's stream, or nil when `subscribersMax` are attached.
    func attach(types: Set<String>, access: AppsAccess) -> EventOutbox? {
        let number = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let outbox = EventOutbox(id: StreamID("events-\(number)"))
        return subscribers.withLockedValue { subscribers in
            guard subscribers.count < Self.subscribersMax else { return nil }
            subscribers[outbox.id] = Subscriber(outbox: outbox, types: types, access: access)
            return outbox
        }
    }

    func detach(_ id: StreamID) {
        subscribers.withLockedValue { $0.removeValue(forKey: id) }?.outbox.close()
    }

    var count: Int { subscribers.withLockedValue { $0.count } }

    /// Sends one event, of `apps`, to every subscriber that wants its type and may view them.
    func publish(type: String, json: JSONValue, apps: [AppID]) {
        let targets = subscribers.withLockedValue { subscribers in
            subscribers.values.filter { $0.wants(type, apps: apps) }.map(\.outbox)
        }
        guard !targets.isEmpty else { return }
        let frame = Self.frame(type: type, json: json)
        for outbox in targets where !outbox.send(frame) { detach(outbox.id) }
    }

    /// A blank line to every subscriber (Marathon's 10 s heartbeat), so proxies and
    /// clients see the stream alive.
    func heartbeat() {
        for outbox in subscribers.withLockedValue({ $0.values.map(\.outbox) }) where !outbox.send(Array("\r\n".utf8)) {
            detach(outbox.id)
        }
    }

    /// Ends every stream (this instance stops leading, or shuts down).
    func closeAll() {
        let all = subscribers.withLockedValue { subscribers in
            defer { subscribers = [:] }
            return subscribers.values.map(\.outbox)
        }
        for outbox in all { outbox.close() }
    }

    static func frame(type: String, json: JSONValue) -> [UInt8] {
        Array("event: \(type)\r\ndata: ".utf8) + json.serialized + Array("\r\n\r\n".utf8)
    }
}
