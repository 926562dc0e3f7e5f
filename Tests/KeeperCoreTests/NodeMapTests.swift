import Testing

@testable import KeeperCore

@Suite("the sharded node map")
struct NodeMapTests {
    private func node(_ byte: UInt8) -> ZNode { ZNode(data: [byte], aclRef: 0, zxid: 1, time: 0, owner: 0) }

    @Test("it stores, changes in place, removes and lists like a dictionary")
    func dictionaryLike() {
        var map = NodeMap()
        var model: [String: UInt8] = [:]
        for i in 0..<5000 {
            let path = "/app/n\(String(i, radix: 7))"
            map[path] = node(UInt8(i % 251))
            model[path] = UInt8(i % 251)
        }
        for i in stride(from: 0, to: 5000, by: 3) {
            let path = "/app/n\(String(i, radix: 7))"
            #expect(map.removeValue(forKey: path) != nil)
            model[path] = nil
        }
        map["/app/n1"]?.children.insert("c")
        #expect(map.count == model.count)
        #expect(Set(map.keys) == Set(model.keys))
        #expect(map.allSatisfy { model[$0.key] == $0.value.data?.first })
        #expect(map["/app/n1"]?.children == ["c"] && map["/nowhere"] == nil)
        #expect(map.removeValue(forKey: "/nowhere") == nil)
    }

    @Test("a copy is a value: writes to one leave the other as it was")
    func copyOnWrite() {
        var map = NodeMap(minimumCapacity: 10_000)
        for i in 0..<10_000 { map["/n\(i)"] = node(1) }
        let snapshot = map
        map["/n5"]?.data = [2]
        map["/new"] = node(3)
        map.removeValue(forKey: "/n6")
        #expect(snapshot.count == 10_000 && map.count == 10_000)
        #expect(snapshot["/n5"]?.data == [1] && snapshot["/n6"] != nil && snapshot["/new"] == nil)
        #expect(map["/n5"]?.data == [2])
    }

    @Test("sequential names spread evenly over the shards, so a write copies a small part of a shared map")
    func spread() {
        var perShard = [Int](repeating: 0, count: NodeMap.shardCount)
        let names = 256_000
        for i in 0..<names {
            perShard[
                NodeMap.shard(of: "/bench/client-3/n" + String(repeating: "0", count: 10 - String(i).count) + String(i))
            ] += 1
        }
        let mean = names / NodeMap.shardCount
        #expect(
            perShard.min()! > mean * 3 / 4 && perShard.max()! < mean * 5 / 4, "\(perShard.min()!)...\(perShard.max()!)")
        #expect(NodeMap.shard(of: "") == NodeMap.shard(of: ""))
    }
}
