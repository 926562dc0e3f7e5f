import Testing

@testable import KeeperNode

@Suite("the connection table")
struct ConnectionTableTests {
    @Test("connections are inserted, changed in place, removed, and their slots reused, like a dictionary")
    func dictionaryLike() {
        var table = ConnectionTable()
        var model: [ConnectionID: Int64] = [:]
        var random = SystemRandomNumberGenerator()
        for step in 0..<2000 {
            let id = ConnectionID.random(in: 1...40, using: &random)
            switch step % 4 {
            case 0:
                table[id] = ClientConnection(id: id, address: "a", openedAt: 0)
                model[id] = 0
            case 1:
                table[id]?.session = Int64(step)
                if model[id] != nil { model[id] = Int64(step) }
            case 2:
                table[id] = nil
                model[id] = nil
            default:
                #expect(table.removeValue(forKey: id)?.session == model.removeValue(forKey: id))
            }
            #expect(table.count == model.count)
        }
        #expect(Set(table.keys) == Set(model.keys))
        #expect(Dictionary(uniqueKeysWithValues: table.values.map { ($0.id, $0.session) }) == model)
        for (id, session) in model { #expect(table[id]?.session == session && table[id]?.id == id) }
    }
}
