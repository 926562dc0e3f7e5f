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
        // Cut off: what waited for the reader is dropped with the stream.
        #expect(await outbox.next() == nil)
    }

    @Test("the writer takes all that waits in one piece, then waits; close hands over what is left, then nil")
    func coalesced() async {
        let outbox = EventOutbox(id: "s")
        #expect(outbox.send([1, 2]))
        #expect(outbox.send([3]))
        #expect(await outbox.next() == [1, 2, 3])
        async let woken = outbox.next()
        try? await Task.sleep(for: .milliseconds(20))
        #expect(outbox.send([4]))
        #expect(await woken == [4])
        #expect(outbox.send([5]))
        outbox.close()
        #expect(!outbox.send([6]))
        #expect(await outbox.next() == [5])
        #expect(await outbox.next() == nil)
    }

    @Test("a writer cancelled while it waits gets nil, and the stream is closed")
    func cancelled() async {
        let outbox = EventOutbox(id: "s")
        let writer = Task { await outbox.next() }
        try? await Task.sleep(for: .milliseconds(20))
        writer.cancel()
        #expect(await writer.value == nil)
        #expect(!outbox.send([1]))
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
