import ClusterEdge
import Testing

@Suite("batch queue: how an agent's calls wait for the master")
struct BatchQueueTests {
    @Test("the consumer takes what waits, oldest first, a batch at most; a waiting consumer is woken")
    func batches() async {
        let queue = BatchQueue<Int>(bound: 100)
        for value in 1...5 { #expect(queue.post(value)) }
        #expect(await queue.next(max: 3) == [1, 2, 3])
        #expect(await queue.next(max: 3) == [4, 5])
        async let woken = queue.next(max: 3)
        try? await Task.sleep(for: .milliseconds(20))
        queue.post(6)
        #expect(await woken == [6])
    }

    @Test("past the bound the oldest are dropped and counted")
    func bound() async {
        let queue = BatchQueue<Int>(bound: 3)
        for value in 1...5 { queue.post(value) }
        #expect(queue.dropped == 2)
        #expect(await queue.next(max: 10) == [3, 4, 5])
    }

    @Test("finish hands over what waits, then nil; posting after it is refused; cancellation finishes")
    func finish() async {
        let queue = BatchQueue<Int>(bound: 10)
        queue.post(1)
        queue.finish()
        #expect(!queue.post(2))
        #expect(await queue.next(max: 10) == [1])
        #expect(await queue.next(max: 10) == nil)
        let other = BatchQueue<Int>(bound: 10)
        let consumer = Task { await other.next(max: 10) }
        try? await Task.sleep(for: .milliseconds(20))
        consumer.cancel()
        #expect(await consumer.value == nil)
        #expect(!other.post(1))
    }
}
