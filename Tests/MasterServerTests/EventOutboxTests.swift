import ClusterEdge
import ClusterProtocol
import Testing

@Suite("event outbox: what a subscriber that does not read can make the master hold")
struct EventOutboxTests {
    @Test("records wait up to the bound; the one that would pass it closes the stream")
    func bound() async {
        let outbox = EventOutbox(id: "s", bytesMax: 100)
        #expect(outbox.send([UInt8](repeating: 1, count: 60)))
        #expect(outbox.send([UInt8](repeating: 2, count: 40)))
        #expect(!outbox.overflowed)
        #expect(!outbox.send([3]))
        #expect(outbox.overflowed)
        #expect(!outbox.send([4]))
        var received: [Int] = []
        for await record in outbox.records { received.append(record.count) }
        #expect(received == [60, 40])
    }

    @Test("what the writer sent no longer counts; one record larger than the bound goes when nothing waits")
    func drained() {
        let outbox = EventOutbox(id: "s", bytesMax: 100)
        #expect(outbox.send([UInt8](repeating: 1, count: 250)))
        #expect(!outbox.overflowed)
        outbox.written(250)
        #expect(outbox.send([UInt8](repeating: 2, count: 100)))
        outbox.written(100)
        #expect(outbox.send([UInt8](repeating: 3, count: 100)))
        #expect(!outbox.overflowed)
    }
}
