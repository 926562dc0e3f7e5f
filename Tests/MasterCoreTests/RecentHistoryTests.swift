import MasterCore
import Testing

@Suite("recent history")
struct RecentHistoryTests {
    @Test("keeps the newest elements up to its bound, oldest first, at every length")
    func keepsNewest() {
        for bound in [0, 1, 3, 1000] {
            var history = RecentHistory<Int>()
            for value in 0..<2500 {
                history.append(value, keeping: bound)
                let expected = (0...value).suffix(bound)
                guard Array(history) == Array(expected) else {
                    Issue.record("bound \(bound) after \(value): \(Array(history).prefix(5)) …, \(history.count) kept")
                    return
                }
            }
        }
    }
}
