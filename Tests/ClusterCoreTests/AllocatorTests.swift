import ClusterCore
import Testing

@Suite("allocator")
struct AllocatorTests {
    @Test("the DRF paper's example: A gets 3 tasks of <1 CPU, 4 GB>, B 2 tasks of <3 CPUs, 1 GB>")
    func drfPaperExample() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:9;mem:18432"))
        try allocator.addFramework("A", roles: ["a"])
        try allocator.addFramework("B", roles: ["b"])
        let tasks = try launchTasks(
            &allocator, shapes: ["A": parsed("cpus:1;mem:4096"), "B": parsed("cpus:3;mem:1024")])
        #expect(tasks == ["A": 3, "B": 2])
        // Both end at a dominant share of 2/3: A's memory (12 of 18 GB), B's CPUs (6 of 9).
        #expect(allocator.allocation(role: "a") == ScalarQuantities([("cpus", 3), ("mem", 12288)]))
        #expect(allocator.allocation(role: "b") == ScalarQuantities([("cpus", 6), ("mem", 2048)]))
    }

    @Test("a role of weight 2 runs twice the tasks of a role of weight 1")
    func weightedRoles() throws {
        var config = AllocatorConfig()
        config.weights = ["double": 2]
        var allocator = Allocator(config: config)
        try allocator.addAgent("agent", total: parsed("cpus:12;mem:12288"))
        try allocator.addFramework("f-double", roles: ["double"])
        try allocator.addFramework("f-single", roles: ["single"])
        let shape = parsed("cpus:1;mem:1024")
        let tasks = try launchTasks(&allocator, shapes: ["f-double": shape, "f-single": shape])
        #expect(tasks == ["f-double": 8, "f-single": 4])
    }

    @Test("inside a role, frameworks share by DRF")
    func frameworksInsideARole() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:9;mem:18432"))
        try allocator.addFramework("A", roles: ["shared"])
        try allocator.addFramework("B", roles: ["shared"])
        let tasks = try launchTasks(
            &allocator, shapes: ["A": parsed("cpus:1;mem:4096"), "B": parsed("cpus:3;mem:1024")])
        #expect(tasks == ["A": 3, "B": 2])
    }

    @Test("the allocator asks the sorter again after each agent: DRF alternates, strict priority does not")
    func resortsPerAgent() throws {
        for (sorter, expected) in [
            (DRFSorter() as any Sorter, ["fh", "fl", "fh", "fl"]),
            (StrictPrioritySorter(priorities: ["high", "low"]), ["fh", "fh", "fh", "fh"]),
            (StrictPrioritySorter(priorities: ["low", "high"]), ["fl", "fl", "fl", "fl"]),
        ] {
            var allocator = Allocator(sorter: sorter)
            for index in 1...4 { try allocator.addAgent(AgentID("a\(index)"), total: parsed("cpus:1;mem:1024")) }
            try allocator.addFramework("fh", roles: ["high"])
            try allocator.addFramework("fl", roles: ["low"])
            let offers = allocator.allocate(now: 0)
            #expect(offers.map(\.agent) == ["a1", "a2", "a3", "a4"])
            #expect(offers.map(\.framework.value) == expected, "\(sorter)")
        }
    }

    @Test("strict priority: a lower role gets offers once the higher one suppresses")
    func strictPriorityYields() throws {
        var allocator = Allocator(sorter: StrictPrioritySorter(priorities: ["high", "low"]))
        for index in 1...3 { try allocator.addAgent(AgentID("a\(index)"), total: parsed("cpus:1;mem:1024")) }
        try allocator.addFramework("fh", roles: ["high"])
        try allocator.addFramework("fl", roles: ["low"])
        for offer in allocator.allocate(now: 0) {
            #expect(offer.framework == "fh")
            try allocator.decline(offer.id, refuse: 0, now: 0)
        }
        #expect(allocator.allocate(now: 1).allSatisfy { $0.framework == "fh" })
        try allocator.suppress("fh")
        for offer in allocator.offersInOrder { try allocator.rescind(offer.id) }
        #expect(allocator.allocate(now: 2).map(\.framework) == ["fl", "fl", "fl"])
    }

    @Test("a decline's filter holds the agent back for refuse milliseconds, then expires")
    func filterExpiry() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:2;mem:2048"))
        try allocator.addFramework("f", roles: ["r"])
        var offer = try #require(allocator.allocate(now: 0).first)
        try allocator.decline(offer.id, refuse: 10_000, now: 0)
        #expect(allocator.isFiltered(offer.key, offer.resources, now: 9_999))
        #expect(!allocator.isFiltered(offer.key, offer.resources, now: 10_000))
        #expect(allocator.allocate(now: 0).isEmpty)
        #expect(allocator.allocate(now: 9_999).isEmpty)
        offer = try #require(allocator.allocate(now: 10_000).first)
        #expect(allocator.filters.isEmpty)
        // No refuse given: Mesos' 5 s.
        try allocator.decline(offer.id, now: 20_000)
        #expect(allocator.allocate(now: 24_999).isEmpty)
        offer = try #require(allocator.allocate(now: 25_000).first)
        // Zero: no filter at all.
        try allocator.decline(offer.id, refuse: 0, now: 30_000)
        offer = try #require(allocator.allocate(now: 30_000).first)
        // Negative: the default; far too long: a year.
        try allocator.decline(offer.id, refuse: -1, now: 40_000)
        #expect(allocator.filters.values.flatMap { $0 }.map(\.expiresAt) == [45_000])
        offer = try #require(allocator.allocate(now: 45_000).first)
        try allocator.decline(offer.id, refuse: .max / 2, now: 50_000)
        #expect(allocator.filters.values.flatMap { $0 }.map(\.expiresAt) == [50_000 + AllocatorConfig.refuseMax])
    }

    @Test("a filter lets through more than was declined, and holds back only its own role and agent")
    func filterScope() throws {
        var allocator = Allocator()
        try allocator.addAgent("a1", total: parsed("cpus:4;mem:4096"))
        try allocator.addFramework("f", roles: ["r"])
        let first = try #require(allocator.allocate(now: 0).first)
        try allocator.accept(first.id, use: parsed("cpus:2;mem:2048"), refuse: 0, now: 0)
        let rest = try #require(allocator.allocate(now: 0).first)
        #expect(rest.resources == parsed("cpus:2;mem:2048"))
        try allocator.decline(rest.id, refuse: 60_000, now: 0)
        #expect(allocator.allocate(now: 1).isEmpty)
        // Another agent is not filtered.
        try allocator.addAgent("a2", total: parsed("cpus:1;mem:1024"))
        #expect(allocator.allocate(now: 2).map(\.agent) == ["a2"])
        // The task ends: four CPUs are more than the two declined, so they are offered.
        try allocator.recover(parsed("cpus:2;mem:2048"), from: AllocationKey(framework: "f", role: "r", agent: "a1"))
        #expect(allocator.allocate(now: 3).map(\.resources) == [parsed("cpus:4;mem:4096")])
    }

    @Test("the unused part of an accepted offer is filtered like a decline")
    func acceptFiltersTheRest() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:4;mem:4096"))
        try allocator.addFramework("f", roles: ["r"])
        let offer = try #require(allocator.allocate(now: 0).first)
        try allocator.accept(offer.id, use: parsed("cpus:1;mem:1024"), now: 0)
        #expect(allocator.allocate(now: 4_999).isEmpty)
        #expect(allocator.allocate(now: 5_000).map(\.resources) == [parsed("cpus:3;mem:3072")])
    }

    @Test("suppress stops offers for a role, revive resumes them and clears the role's filters")
    func suppressAndRevive() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:2;mem:2048"))
        try allocator.addFramework("f", roles: ["r1", "r2"], suppressedRoles: ["r2"])
        var offer = try #require(allocator.allocate(now: 0).first)
        #expect(offer.role == "r1")
        try allocator.suppress("f", roles: ["r1"])
        try allocator.rescind(offer.id)
        #expect(allocator.allocate(now: 0).isEmpty)
        try allocator.revive("f", roles: ["r2"])
        offer = try #require(allocator.allocate(now: 0).first)
        #expect(offer.role == "r2")
        try allocator.decline(offer.id, refuse: 60_000, now: 0)
        #expect(allocator.allocate(now: 1).isEmpty)
        try allocator.revive("f")
        #expect(allocator.filters.isEmpty)
        #expect(allocator.allocate(now: 2).map(\.role) == ["r1"])
        #expect(throws: AllocatorError.roleNotSubscribed("f", role: "r3")) {
            try allocator.suppress("f", roles: ["r3"])
        }
        #expect(throws: AllocatorError.unknownFramework("g")) { try allocator.revive("g") }
    }

    @Test("crumbs below minimumAllocatable (cpus 0.01 or mem 32) are not offered")
    func minimumAllocatable() throws {
        var allocator = Allocator()
        try allocator.addFramework("f", roles: ["r"])
        try allocator.addAgent("crumbs", total: parsed("cpus:0.009;mem:31.999;disk:1000;ports:[1-100]"))
        #expect(allocator.allocate(now: 0).isEmpty)
        try allocator.addAgent("cpu", total: parsed("cpus:0.01"))
        try allocator.addAgent("mem", total: parsed("mem:32"))
        #expect(allocator.allocate(now: 0).map(\.agent) == ["cpu", "mem"])
        // What a task leaves behind is held to the same rule.
        try allocator.addAgent("task", total: parsed("cpus:1;mem:64"))
        let offer = try #require(allocator.allocate(now: 0).first)
        try allocator.accept(offer.id, use: parsed("cpus:0.995;mem:40"), refuse: 0, now: 0)
        #expect(allocator.allocate(now: 0).isEmpty)
        #expect(allocator.agents["task"]!.available == parsed("cpus:0.005;mem:24"))
        var config = AllocatorConfig()
        config.minimumAllocatable = []
        var anything = Allocator(config: config)
        try anything.addFramework("f", roles: ["r"])
        try anything.addAgent("crumbs", total: parsed("ports:[1-1]"))
        #expect(anything.allocate(now: 0).count == 1)
    }

    @Test("reserved resources go only to their role; unreserved ones to the first role in order")
    func reservations() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:2;cpus(web):2;mem(web):512;mem:1024"))
        try allocator.addFramework("f-db", roles: ["db"])
        try allocator.addFramework("f-web", roles: ["web"])
        // Both roles at share 0: db first by name, offered the unreserved part; web then
        // gets its reservation on the same agent.
        let offers = allocator.allocate(now: 0)
        #expect(offers.map(\.role) == ["db", "web"])
        #expect(offers.map(\.resources) == [parsed("cpus:2;mem:1024"), parsed("cpus(web):2;mem(web):512")])
    }

    @Test("accepted resources stay allocated until recovered; bad calls throw and change nothing")
    func acceptAndRecover() throws {
        var allocator = Allocator()
        try allocator.addAgent("agent", total: parsed("cpus:4;mem:4096;ports:[1000-1009]"))
        try allocator.addFramework("f", roles: ["r"])
        let key = AllocationKey(framework: "f", role: "r", agent: "agent")
        let offer = try #require(allocator.allocate(now: 0).first)
        #expect(allocator.offers.count == 1)
        #expect(throws: AllocatorError.self) { try allocator.accept(offer.id, use: parsed("cpus:5"), now: 0) }
        #expect(throws: AllocatorError.self) { try allocator.accept(offer.id, use: parsed("ports:[999-999]"), now: 0) }
        #expect(allocator.offers[offer.id] == offer)
        try allocator.accept(offer.id, use: parsed("cpus:1.5;mem:100;ports:[1003-1004]"), refuse: 0, now: 0)
        #expect(throws: AllocatorError.unknownOffer(offer.id)) { try allocator.decline(offer.id, now: 0) }
        #expect(allocator.used == [key: parsed("cpus:1.5;mem:100;ports:[1003-1004]")])
        #expect(allocator.agents["agent"]!.available == parsed("cpus:2.5;mem:3996;ports:[1000-1002,1005-1009]"))
        #expect(
            allocator.allocation(framework: "f", role: "r")
                == ScalarQuantities([("cpus", Scalar(thousandths: 1500)), ("mem", 100)]))
        #expect(throws: AllocatorError.self) { try allocator.recover(parsed("cpus:2"), from: key) }
        try allocator.recover(parsed("cpus:0.5;ports:[1004-1004]"), from: key)
        try allocator.recover(parsed("cpus:1;mem:100;ports:[1003-1003]"), from: key)
        #expect(allocator.used.isEmpty)
        #expect(allocator.allocation(role: "r").isEmpty)
        #expect(allocator.agents["agent"]!.allocated.isEmpty)
    }

    @Test("removing an agent or a framework returns its offers and frees what it held")
    func removal() throws {
        var allocator = Allocator()
        try allocator.addAgent("a1", total: parsed("cpus:1;mem:1024"))
        try allocator.addAgent("a2", total: parsed("cpus:1;mem:1024"))
        try allocator.addFramework("f", roles: ["r"])
        try allocator.addFramework("g", roles: ["r"])
        let offers = allocator.allocate(now: 0)
        #expect(offers.map(\.framework) == ["f", "g"])
        try allocator.accept(offers[0].id, use: parsed("cpus:1"), refuse: 0, now: 0)
        #expect(try allocator.removeAgent("a2") == [offers[1]])
        #expect(allocator.total == ScalarQuantities([("cpus", 1), ("mem", 1024)]))
        #expect(throws: AllocatorError.self) { try allocator.updateAgent("a1", total: parsed("cpus:0.5")) }
        let rest = try #require(allocator.allocate(now: 0).first)
        #expect(try allocator.removeFramework(rest.framework) == [rest])
        #expect(try allocator.removeFramework("f") == [])
        #expect(allocator.used.isEmpty && allocator.offers.isEmpty)
        #expect(allocator.agents["a1"]!.allocated.isEmpty)
        #expect(allocator.allocation(role: "r").isEmpty)
        #expect(throws: AllocatorError.agentExists("a1")) { try allocator.addAgent("a1", total: Resources()) }
        #expect(throws: AllocatorError.noRoles("h")) { try allocator.addFramework("h", roles: []) }
        #expect(throws: AllocatorError.invalidRole("..")) { try allocator.addFramework("h", roles: [".."]) }
    }

    @Test("an inactive agent or framework is offered nothing and loses its offers; activation brings them back")
    func activation() throws {
        var allocator = Allocator()
        try allocator.addAgent("a1", total: parsed("cpus:2;mem:1024"))
        try allocator.addAgent("a2", total: parsed("cpus:2;mem:1024"))
        try allocator.addFramework("f", roles: ["r"])
        let offers = allocator.allocate(now: 0)
        #expect(try allocator.deactivateAgent("a1") == offers.filter { $0.agent == "a1" })
        #expect(allocator.allocate(now: 0).isEmpty)
        #expect(try allocator.deactivateFramework("f") == offers.filter { $0.agent == "a2" })
        try allocator.activateAgent("a1")
        #expect(allocator.allocate(now: 0).isEmpty)
        try allocator.activateFramework("f")
        #expect(allocator.allocate(now: 0).map(\.agent) == ["a1", "a2"])
        #expect(throws: AllocatorError.unknownAgent("a3")) { _ = try allocator.deactivateAgent("a3") }
        #expect(throws: AllocatorError.unknownFramework("g")) { try allocator.activateFramework("g") }
    }

    @Test("an agent added with tasks running books them for their frameworks, known or not yet")
    func addAgentWithUsed() throws {
        var allocator = Allocator()
        let key = AllocationKey(framework: "f", role: "r", agent: "a1")
        #expect(throws: AllocatorError.self) {
            try allocator.addAgent("a1", total: parsed("cpus:1"), used: [key: parsed("cpus:2")])
        }
        #expect(allocator.agents.isEmpty)
        try allocator.addAgent("a1", total: parsed("cpus:4;mem:1024"), used: [key: parsed("cpus:3;mem:512")])
        #expect(allocator.allocation(role: "r") == ScalarQuantities([("cpus", 3), ("mem", 512)]))
        try allocator.addFramework("g", roles: ["r"])
        #expect(allocator.allocate(now: 0).map(\.resources) == [parsed("cpus:1;mem:512")])
        try allocator.addFramework("f", roles: ["r"])
        try allocator.recover(parsed("cpus:3;mem:512"), from: key)
        #expect(allocator.allocation(framework: "f", role: "r").isEmpty)
    }

    @Test("a round over some agents offers only theirs, in id order")
    func partialRound() throws {
        var allocator = Allocator()
        for name in ["a1", "a2", "a3"] { try allocator.addAgent(AgentID(name), total: parsed("cpus:1;mem:512")) }
        try allocator.addFramework("f", roles: ["r"])
        #expect(allocator.allocate(now: 0, agents: ["a3", "a1"]).map(\.agent) == ["a1", "a3"])
        #expect(allocator.allocate(now: 0, agents: ["a1", "gone"]).isEmpty)
        #expect(allocator.allocate(now: 0).map(\.agent) == ["a2"])
    }

    @Test("a framework in the default role '*' is offered unreserved resources only")
    func defaultRole() throws {
        var allocator = Allocator()
        try allocator.addAgent("a1", total: parsed("cpus:2;mem:1024;cpus(web):1"))
        try allocator.addFramework("f", roles: ["*"])
        let offers = allocator.allocate(now: 0)
        #expect(offers.map(\.resources) == [parsed("cpus:2;mem:1024")])
        #expect(offers.map(\.role) == ["*"])
    }

    @Test("the benchmark scenario offers every agent once")
    func benchmarkScenario() {
        var allocator = Allocator.benchmarkScenario(agents: 50, frameworks: 7, roles: 3)
        let offers = allocator.allocate(now: 0)
        #expect(offers.map(\.agent) == allocator.agentOrder)
        #expect(Set(offers.map(\.framework)).count == 7)
    }
}

/// Drives the allocator one task at a time, as the DRF paper's example does: each offer's
/// framework launches one task of its shape if the offer holds it and hands the rest back
/// with no filter, or declines an offer too small for a task for an hour. Stops when a
/// round offers nothing; returns the tasks launched per framework.
func launchTasks(_ allocator: inout Allocator, shapes: [FrameworkID: Resources]) throws -> [FrameworkID: Int] {
    var tasks: [FrameworkID: Int] = [:]
    for round in 0..<1000 {
        let offers = allocator.allocate(now: Int64(round))
        if offers.isEmpty { return tasks }
        for offer in offers {
            let shape = shapes[offer.framework]!
            if offer.resources.contains(shape) {
                try allocator.accept(offer.id, use: shape, refuse: 0, now: Int64(round))
                tasks[offer.framework, default: 0] += 1
            } else {
                try allocator.decline(offer.id, refuse: 3_600_000, now: Int64(round))
            }
        }
    }
    Issue.record("no end after 1000 rounds: \(tasks)")
    return tasks
}
