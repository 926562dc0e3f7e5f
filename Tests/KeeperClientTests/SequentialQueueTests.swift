import KeeperProtocol
import Testing

@testable import KeeperClient

@Suite("Sequential queue ordering")
struct SequentialQueueTests {
    @Test("members sort by the ten-digit sequence, not by name; other children are ignored")
    func ordering() {
        let children = ["n_0000000010", "other", "x-n_0000000002", "n_0000000009", "n_12", "n_0000000001"]
        #expect(SequentialQueue.ordered(children, prefix: "n_") == ["n_0000000001", "n_0000000009", "n_0000000010"])
    }

    @Test("each member watches only the one just before it")
    func predecessor() throws {
        let members = ["lock-0000000001", "lock-0000000004", "lock-0000000007"]
        #expect(try SequentialQueue.predecessor(of: "lock-0000000001", in: members) == nil)
        #expect(try SequentialQueue.predecessor(of: "lock-0000000007", in: members) == "lock-0000000004")
        #expect(throws: KeeperError.self) { try SequentialQueue.predecessor(of: "lock-0000000002", in: members) }
    }
}
