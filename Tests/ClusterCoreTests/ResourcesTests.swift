import ClusterCore
import Testing

@Suite("resources")
struct ResourcesTests {
    @Test("scalars are exact thousandths: 0.1 + 0.2 is 0.3, a thousand 0.001s are 1")
    func scalarArithmetic() {
        #expect(Scalar(parsing: "0.1")! + Scalar(parsing: "0.2")! == Scalar(parsing: "0.3")!)
        var sum = Scalar.zero
        for _ in 0..<1000 { sum += Scalar(thousandths: 1) }
        #expect(sum == Scalar(units: 1))
        #expect(Scalar(parsing: "1.2344")!.thousandths == 1234)
        #expect(Scalar(parsing: "1.2345")!.thousandths == 1235)
        #expect(Scalar(parsing: ".5")!.thousandths == 500)
        #expect(Scalar(parsing: "1e3")!.thousandths == 1_000_000)
        for bad in ["-1", "", ".", "x", "nan", "inf", "0x10", "1_000", "1000000000001"] {
            #expect(Scalar(parsing: bad) == nil, "'\(bad)'")
        }
    }

    @Test("the JSON edge rounds Doubles to three decimals and back")
    func scalarDoubleEdge() {
        #expect(Scalar(0.1)!.thousandths == 100)
        #expect(Scalar(0.0005)!.thousandths == 1)
        #expect(Scalar(0.0004999)!.thousandths == 0)
        #expect(Scalar(2.675)!.thousandths == 2675)
        #expect(Scalar(-0.001) == nil)
        #expect(Scalar(Double.nan) == nil)
        #expect(Scalar(Double.infinity) == nil)
        #expect(Scalar(thousandths: 1234).doubleValue == 1.234)
        #expect(Scalar(thousandths: 1234).description == "1.234")
        #expect(Scalar(thousandths: 500).description == "0.5")
        #expect(Scalar(thousandths: 4000).description == "4")
        #expect(Scalar(thousandths: 5).description == "0.005")
    }

    @Test("ranges are kept sorted, coalesced and disjoint")
    func rangesNormalForm() {
        let ranges = ValueRanges([10...12, 1...2, 3...4, 11...20, 5...6, 30...30])
        #expect(ranges.ranges == [1...6, 10...20, 30...30])
        #expect(ranges.count == 18)
        #expect(ValueRanges([(UInt64.max - 1)...UInt64.max, 0...(UInt64.max - 2)]).ranges == [0...UInt64.max])
        #expect(ValueRanges([0...UInt64.max]).count == UInt128(UInt64.max) + 1)
    }

    @Test("ranges subtract and contain range by range")
    func rangesArithmetic() {
        let ranges = ValueRanges([1...10, 20...30])
        #expect(ranges.subtracting(ValueRanges([3...4, 8...22, 30...40])).ranges == [1...2, 5...7, 23...29])
        #expect(ranges.subtracting(ranges).isEmpty)
        #expect(ranges.contains(ValueRanges([2...3, 20...30])))
        #expect(!ranges.contains(ValueRanges([9...11])))
        #expect(!ranges.contains(ValueRanges([15...15])))
        #expect(ranges.union(ValueRanges([11...19])).ranges == [1...30])
    }

    @Test("sets are sorted, each item once")
    func sets() {
        let set = ValueSet(["b", "a", "c", "a"])
        #expect(set.items == ["a", "b", "c"])
        #expect(set.subtracting(ValueSet(["b"])).items == ["a", "c"])
        #expect(set.contains(ValueSet(["c", "a"])))
        #expect(!set.contains(ValueSet(["d"])))
        #expect(set.description == "{a, b, c}")
    }

    @Test("the agent's --resources text parses, roles and all")
    func parseAgentResources() throws {
        let resources = try Resources(
            parsing: "cpus:4;mem:4096;disk:10000;ports:[31000-32000,33000-33010];labels:{b,a}")
        #expect(resources.cpus == 4)
        #expect(resources.mem == 4096)
        #expect(resources.disk == 10000)
        #expect(resources.gpus == 0)
        #expect(
            resources.named("ports").entries == [.ranges("ports", [31000...32000, 33000...33010])])
        #expect(resources.named("labels").entries == [.set("labels", ["a", "b"])])
        let reserved = try Resources(parsing: " cpus(web) : 2.5 ; cpus:1; mem(db):512;cpus:0.5 ")
        #expect(
            reserved.entries == [
                .scalar("cpus", Scalar(thousandths: 1500)), .scalar("cpus", Scalar(thousandths: 2500), role: "web"),
                .scalar("mem", 512, role: "db"),
            ])
        #expect(reserved.cpus == 4)
        #expect(try Resources(parsing: "cpus:2", defaultRole: "web").entries == [.scalar("cpus", 2, role: "web")])
        #expect(try Resources(parsing: "").isEmpty)
        #expect(try Resources(parsing: "ports:[];cpus:0").isEmpty)
    }

    @Test(
        "parse errors name the offending item",
        arguments: [
            ("cpus:4;mem", "mem"), ("cpus:x", "cpus:x"), ("cpus:-1", "cpus:-1"),
            ("ports:[2-1]", "ports:[2-1]"), ("ports:[1-2", "ports:[1-2"), ("ports:[1-2,]", "ports:[1-2,]"),
            ("ports:[a-b]", "ports:[a-b]"), ("labels:{a,,b}", "labels:{a,,b}"), ("labels:{a", "labels:{a"),
            ("cpus(web:1", "cpus(web:1"), ("cpus():1", "cpus():1"), (":1", ":1"), ("cpus(..):1", "cpus(..):1"),
            ("mem:4096;cpus:", "cpus:"), ("my cpus:1", "my cpus:1"),
        ])
    func parseErrors(text: String, item: String) {
        #expect {
            try Resources(parsing: text)
        } throws: { error in
            (error as? ResourceParseError)?.item == item
        }
    }

    @Test("a description parses back to the same resources")
    func descriptionRoundTrip() throws {
        let resources = parsed("mem:4096;cpus(web):0.125;ports:[5-6,1-2,3-3];labels:{x,a};cpus:4")
        #expect(resources.description == "cpus:4; cpus(web):0.125; labels:{a, x}; mem:4096; ports:[1-3, 5-6]")
        #expect(try Resources(parsing: resources.description) == resources)
    }

    @Test("subtracting more than is held throws, names it, and changes nothing")
    func subtractShortfall() {
        var resources = parsed("cpus:4;mem:1024;ports:[1-10]")
        let before = resources
        #expect(throws: InsufficientResources(requested: .ranges("ports", [10...11]), held: .ranges("ports", [1...10])))
        {
            try resources.subtract(parsed("cpus:1;ports:[10-11]"))
        }
        #expect(resources == before)
        #expect(throws: InsufficientResources(requested: .scalar("disk", 1), held: nil)) {
            try resources.subtract(parsed("disk:1"))
        }
        #expect(throws: InsufficientResources.self) { try resources.subtract(parsed("cpus(web):1")) }
        #expect(throws: Never.self) { try resources.subtract(parsed("cpus:4;mem:1000;ports:[1-5]")) }
        #expect(resources == parsed("mem:24;ports:[6-10]"))
    }

    @Test("contains compares name, role and kind")
    func containment() {
        let resources = parsed("cpus:4;cpus(web):1;ports:[1-10];labels:{a,b}")
        #expect(resources.contains(parsed("cpus:4;cpus(web):1")))
        #expect(!resources.contains(parsed("cpus:5")))
        #expect(!resources.contains(parsed("cpus(web):2")))
        #expect(!resources.contains(parsed("cpus(db):1")))
        #expect(!resources.contains(parsed("ports:1")))
        #expect(resources.contains(parsed("labels:{b}")))
        #expect(resources.contains(Resources()))
        #expect(resources.allocatable(to: "db") == parsed("cpus:4;ports:[1-10];labels:{a,b}"))
        #expect(resources.allocatable(to: "web") == resources)
        #expect(resources.scalarQuantities == ScalarQuantities([("cpus", 5)]))
    }
}
