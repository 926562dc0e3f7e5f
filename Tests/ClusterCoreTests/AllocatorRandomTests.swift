import ClusterCore
import CorralSim
import Testing

/// Random event sequences against the allocator — agents and frameworks come and go, rounds
/// run, offers are accepted in part, declined with filters or rescinded, tasks end,
/// frameworks suppress and revive — with the test keeping its own books of offers and
/// resources in use. After every step the allocator's state must match those books, no
/// agent may be committed beyond its total, no resource may sit in two places, and every
/// sum the sorter sees must be exact. After every round, nothing allocatable may be left
/// on an agent that some framework could have been offered.
///
/// `CORRAL_SEED=<n>` runs one seed.
@Suite("allocator under random events")
struct AllocatorRandomTests {
    @Test("random events never over-commit or double-offer, and the books add up", arguments: testSeeds(Array(1...8)))
    func randomEvents(seed: UInt64) {
        let sorter: any Sorter = seed % 2 == 0 ? DRFSorter() : StrictPrioritySorter(priorities: ["r2", "r1"])
        var run = AllocatorRun(seed: seed, sorter: sorter)
        for step in 0..<1500 {
            run.step()
            if !run.violations.isEmpty {
                Issue.record(
                    """
                    seed \(seed) step \(step) (\(run.lastEvent)):
                    \(run.violations.prefix(5).joined(separator: "\n"))
                    replay: CORRAL_SEED=\(seed) swift test --filter ClusterCoreTests.AllocatorRandomTests
                    """)
                return
            }
        }
        for what in AllocatorRun.coverageNames where run.coverage[what, default: 0] == 0 {
            Issue.record("seed \(seed): no \(what) in 1500 steps; \(run.coverage.sorted { $0.key < $1.key })")
        }
    }
}

struct AllocatorRun {
    static let roles = ["r1", "r2", "r3"]
    static let coverageNames = [
        "offer", "accept", "decline", "rescind", "recover", "suppress", "revive", "removeAgent with offers",
        "removeFramework with offers", "updateAgent refused", "bad accept refused", "bad recover refused",
        "filter applied", "filter expired", "reserved offer",
    ]

    var random: SeededRandom
    var allocator: Allocator
    var now: Int64 = 0
    var agentTotals: [AgentID: Resources] = [:]
    var frameworkRoles: [FrameworkID: [String]] = [:]
    var suppressed: Set<String> = []
    var offers: [OfferID: Offer] = [:]
    var used: [AllocationKey: Resources] = [:]
    var nextFramework = 0
    var coverage: [String: Int] = [:]
    var violations: [String] = []
    var lastEvent = ""

    init(seed: UInt64, sorter: any Sorter) {
        random = SeededRandom(seed: seed)
        allocator = Allocator(sorter: sorter)
    }

    mutating func step() {
        let event = random.weighted([
            (8, "addAgent"), (2, "removeAgent"), (3, "updateAgent"), (5, "addFramework"), (2, "removeFramework"),
            (20, "allocate"), (14, "accept"), (10, "decline"), (3, "rescind"), (10, "recover"), (4, "suppress"),
            (5, "revive"),
        ])
        lastEvent = event
        switch event {
        case "addAgent": addAgent()
        case "removeAgent": removeAgent()
        case "updateAgent": updateAgent()
        case "addFramework": addFramework()
        case "removeFramework": removeFramework()
        case "allocate": allocate()
        case "accept": accept()
        case "decline": decline()
        case "rescind": rescind()
        case "recover": recover()
        case "suppress": suppressOrRevive(suppress: true)
        default: suppressOrRevive(suppress: false)
        }
        checkBooks()
    }

    // MARK: Events

    mutating func randomAgentResources() -> Resources {
        var resources: [Resource] = [
            .scalar("cpus", Scalar(thousandths: Int64(random.pick([0, 5, 10, 500, 1000, 4000, 7250])))),
            .scalar("mem", Scalar(units: Int64(random.pick([0, 16, 32, 512, 4096])))),
        ]
        if random.percent(50) {
            let lower = UInt64(random.between(31000, 31100))
            resources.append(.ranges("ports", [lower...(lower + UInt64(random.between(0, 20)))]))
        }
        if random.percent(25) {
            resources.append(.scalar(random.pick(["cpus", "mem"]), 2, role: random.pick(Self.roles)))
        }
        if random.percent(20) { resources.append(.set("labels", ["ssd", "gpu"].filter { _ in random.percent(70) })) }
        return Resources(resources)
    }

    mutating func addAgent() {
        let id = AgentID("a\(random.below(40))")
        let total = randomAgentResources()
        do {
            try allocator.addAgent(id, total: total)
            if agentTotals[id] != nil { violations.append("added agent \(id) twice") }
            agentTotals[id] = total
        } catch {
            if agentTotals[id] == nil { violations.append("addAgent \(id): \(error)") }
        }
    }

    mutating func removeAgent() {
        guard let id = pick(agentTotals.keys) else { return }
        do {
            let rescinded = try allocator.removeAgent(id)
            expectRescinded(rescinded, where: { $0.agent == id }, "removeAgent \(id)")
            if !rescinded.isEmpty { coverage["removeAgent with offers", default: 0] += 1 }
            agentTotals[id] = nil
            used = used.filter { $0.key.agent != id }
        } catch {
            violations.append("removeAgent \(id): \(error)")
        }
    }

    mutating func updateAgent() {
        guard let id = pick(agentTotals.keys) else { return }
        let inUse = Resources(used.filter { $0.key.agent == id }.sorted { $0.key < $1.key }.flatMap(\.value.entries))
        let total = random.percent(60) ? inUse + randomAgentResources() : randomAgentResources()
        let before = snapshot()
        do {
            let rescinded = try allocator.updateAgent(id, total: total)
            if !total.contains(inUse) { violations.append("updateAgent \(id) to \(total) below use \(inUse)") }
            expectRescinded(rescinded, where: { $0.agent == id }, "updateAgent \(id)")
            agentTotals[id] = total
        } catch {
            if total.contains(inUse) { violations.append("updateAgent \(id) to \(total): \(error)") }
            expectUnchanged(before, "refused updateAgent")
            coverage["updateAgent refused", default: 0] += 1
        }
    }

    mutating func addFramework() {
        let id = FrameworkID("f\(nextFramework)")
        nextFramework += 1
        var roles = Self.roles.filter { _ in random.percent(50) }
        if roles.isEmpty { roles = [random.pick(Self.roles)] }
        let suppressedRoles = roles.filter { _ in random.percent(20) }
        do {
            try allocator.addFramework(id, roles: roles, suppressedRoles: suppressedRoles)
            frameworkRoles[id] = roles
            for role in suppressedRoles { suppressed.insert("\(id)/\(role)") }
        } catch {
            violations.append("addFramework \(id): \(error)")
        }
    }

    mutating func removeFramework() {
        guard let id = pick(frameworkRoles.keys) else { return }
        do {
            let rescinded = try allocator.removeFramework(id)
            expectRescinded(rescinded, where: { $0.framework == id }, "removeFramework \(id)")
            if !rescinded.isEmpty { coverage["removeFramework with offers", default: 0] += 1 }
            frameworkRoles[id] = nil
            suppressed = suppressed.filter { !$0.hasPrefix("\(id)/") }
            used = used.filter { $0.key.framework != id }
        } catch {
            violations.append("removeFramework \(id): \(error)")
        }
    }

    mutating func allocate() {
        now += Int64(random.between(0, 3000))
        let filtersBefore = allocator.filters
        countFiltersThatApply()
        let expected = referenceRound()
        let made = allocator.allocate(now: now)
        if made.map({ ReferenceOffer(key: $0.key, resources: $0.resources) }) != expected {
            violations.append("round made \(made), the reference round \(expected)")
        }
        if filtersBefore.values.contains(where: { $0.contains { $0.expiresAt <= now } }) {
            coverage["filter expired", default: 0] += 1
        }
        for offer in made {
            checkNewOffer(offer, filtersBefore: filtersBefore)
            offers[offer.id] = offer
            coverage["offer", default: 0] += 1
            if offer.resources.entries.contains(where: { !$0.isUnreserved }) {
                coverage["reserved offer", default: 0] += 1
            }
        }
        checkNothingLeftBehind()
    }

    mutating func accept() {
        guard let offer = pick(offers.values) else { return }
        let refuse = random.pick([nil, 0, 1000, 10_000, -5] as [Int64?])
        if random.percent(10) {
            let before = snapshot()
            let tooMuch = offer.resources + Resources([.scalar("cpus", 1), .ranges("ports", [1...1])])
            if (try? allocator.accept(offer.id, use: tooMuch, refuse: refuse, now: now)) != nil {
                violations.append("accepted \(tooMuch) from \(offer)")
            }
            expectUnchanged(before, "refused accept")
            coverage["bad accept refused", default: 0] += 1
            return
        }
        let use = randomPart(of: offer.resources, &random)
        do {
            try allocator.accept(offer.id, use: use, refuse: refuse, now: now)
            offers[offer.id] = nil
            if !use.isEmpty { used[offer.key, default: Resources()].add(use) }
            coverage["accept", default: 0] += 1
        } catch {
            violations.append("accept \(use) of \(offer): \(error)")
        }
    }

    mutating func decline() {
        guard let offer = pick(offers.values) else { return }
        do {
            try allocator.decline(
                offer.id, refuse: random.pick([nil, 0, 2000, 20_000, 60_000, 60_000] as [Int64?]), now: now)
            offers[offer.id] = nil
            coverage["decline", default: 0] += 1
        } catch {
            violations.append("decline \(offer): \(error)")
        }
    }

    mutating func rescind() {
        guard let offer = pick(offers.values) else { return }
        do {
            try allocator.rescind(offer.id)
            offers[offer.id] = nil
            coverage["rescind", default: 0] += 1
        } catch {
            violations.append("rescind \(offer): \(error)")
        }
    }

    mutating func recover() {
        guard let key = pick(used.keys) else { return }
        let inUse = used[key]!
        if random.percent(10) {
            let before = snapshot()
            if (try? allocator.recover(inUse + Resources([.scalar("mem", 1)]), from: key)) != nil {
                violations.append("recovered more than \(inUse) from \(key)")
            }
            expectUnchanged(before, "refused recover")
            coverage["bad recover refused", default: 0] += 1
            return
        }
        let part = random.percent(50) ? inUse : randomPart(of: inUse, &random)
        do {
            try allocator.recover(part, from: key)
            let rest = inUse.removing(part)
            used[key] = rest.isEmpty ? nil : rest
            coverage["recover", default: 0] += 1
        } catch {
            violations.append("recover \(part) from \(key): \(error)")
        }
    }

    mutating func suppressOrRevive(suppress: Bool) {
        guard let id = pick(frameworkRoles.keys) else { return }
        let all = frameworkRoles[id]!
        let roles: [String]? = random.percent(50) ? nil : all.filter { _ in random.percent(60) }
        do {
            if suppress { try allocator.suppress(id, roles: roles) } else { try allocator.revive(id, roles: roles) }
            for role in roles ?? all {
                if suppress { suppressed.insert("\(id)/\(role)") } else { suppressed.remove("\(id)/\(role)") }
            }
            coverage[suppress ? "suppress" : "revive", default: 0] += 1
        } catch {
            violations.append("\(suppress ? "suppress" : "revive") \(id) \(roles ?? []): \(error)")
        }
    }

    struct ReferenceOffer: Equatable, CustomStringConvertible {
        var key: AllocationKey
        var resources: Resources
        var description: String { "\(key) \(resources)" }
    }

    /// The offers a round must make, found the slow way: before each agent the roles are
    /// sorted afresh from the sums, and inside a role its frameworks, so that the
    /// allocator's incremental orders must agree with a full sort after every offer.
    func referenceRound() -> [ReferenceOffer] {
        var roleSums: [String: ScalarQuantities] = [:]
        var frameworkSums: [AllocationKey: ScalarQuantities] = [:]
        var members: [String: [FrameworkID]] = [:]
        for (id, framework) in allocator.frameworks.sorted(by: { $0.key < $1.key }) where framework.isActive {
            for role in framework.roles where !framework.isSuppressed(role) {
                members[role, default: []].append(id)
                roleSums[role] = allocator.allocation(role: role)
                frameworkSums[AllocationKey(framework: id, role: role, agent: "")] = allocator.allocation(
                    framework: id, role: role)
            }
        }
        let sorter = allocator.sorter
        let total = allocator.total
        var made: [ReferenceOffer] = []
        for agentID in allocator.agentOrder where allocator.agents[agentID]!.isActive {
            var available = allocator.agents[agentID]!.available
            let roleClients = members.keys.map {
                SortClient(name: $0, weight: allocator.config.weight(of: $0), allocated: roleSums[$0]!)
            }
            for role in sorter.sortRoles(roleClients, total: total) {
                let forRole = available.allocatable(to: role)
                guard allocator.isAllocatable(forRole) else { continue }
                let clients = members[role]!.map {
                    SortClient(
                        name: $0.value, allocated: frameworkSums[AllocationKey(framework: $0, role: role, agent: "")]!)
                }
                for name in sorter.sortFrameworks(clients, role: role, total: total) {
                    let key = AllocationKey(framework: FrameworkID(name), role: role, agent: agentID)
                    guard !allocator.isFiltered(key, forRole, now: now) else { continue }
                    made.append(ReferenceOffer(key: key, resources: forRole))
                    roleSums[role]!.add(forRole.scalarQuantities)
                    frameworkSums[AllocationKey(framework: key.framework, role: role, agent: "")]!.add(
                        forRole.scalarQuantities)
                    available = available.removing(forRole)
                    break
                }
            }
        }
        return made
    }

    // MARK: Checks

    /// A new offer goes to a live framework's unsuppressed role on a live agent, holds no
    /// other role's reservation, is not below the minimum and no live filter held it back.
    mutating func checkNewOffer(_ offer: Offer, filtersBefore: [AllocationKey: [OfferFilter]]) {
        if offers[offer.id] != nil { violations.append("offer id \(offer.id) reused") }
        guard let roles = frameworkRoles[offer.framework], roles.contains(offer.role) else {
            return violations.append("\(offer) to a framework or role not subscribed")
        }
        if suppressed.contains("\(offer.framework)/\(offer.role)") {
            violations.append("\(offer) to a suppressed role")
        }
        if agentTotals[offer.agent] == nil { violations.append("\(offer) on a removed agent") }
        if !allocator.isAllocatable(offer.resources) { violations.append("\(offer) is below the minimum") }
        if offer.resources.entries.contains(where: { !$0.isUnreserved && $0.role != offer.role }) {
            violations.append("\(offer) holds another role's reservation")
        }
        if let filter = filtersBefore[offer.key]?.first(where: {
            $0.expiresAt > now && $0.resources.contains(offer.resources)
        }) {
            violations.append("\(offer) made through live filter \(filter)")
        }
    }

    /// After a round, every framework that could take an agent's leftovers for one of its
    /// roles must be held back by a filter: allocation stops only when nothing is offerable.
    mutating func checkNothingLeftBehind() {
        for id in allocator.agentOrder {
            let available = allocator.agents[id]!.available
            for framework in frameworkRoles.keys.sorted() {
                for role in frameworkRoles[framework]! where !suppressed.contains("\(framework)/\(role)") {
                    let forRole = available.allocatable(to: role)
                    guard allocator.isAllocatable(forRole) else { continue }
                    let key = AllocationKey(framework: framework, role: role, agent: id)
                    if !allocator.isFiltered(key, forRole, now: now) {
                        violations.append("\(forRole) left on \(id) though \(framework)/\(role) could take it")
                    }
                }
            }
        }
    }

    /// Counts the live filters that cover all an agent has for an unsuppressed role: cases
    /// where the round about to run must hold an offer back.
    mutating func countFiltersThatApply() {
        for (key, filters) in allocator.filters.sorted(by: { $0.key < $1.key }) {
            guard let agent = allocator.agents[key.agent], !suppressed.contains("\(key.framework)/\(key.role)")
            else { continue }
            let forRole = agent.available.allocatable(to: key.role)
            guard allocator.isAllocatable(forRole) else { continue }
            if filters.contains(where: { $0.expiresAt > now && $0.resources.contains(forRole) }) {
                coverage["filter applied", default: 0] += 1
            }
        }
    }

    /// The allocator's state against the test's books.
    mutating func checkBooks() {
        if allocator.offers != offers { violations.append("offers \(allocator.offersInOrder) but expected \(offers)") }
        if allocator.used != used { violations.append("used \(allocator.used) but expected \(used)") }
        if allocator.agentOrder != agentTotals.keys.sorted() {
            violations.append("agent order \(allocator.agentOrder)")
        }
        var clusterTotal = ScalarQuantities()
        for id in agentTotals.keys.sorted() {
            guard let agent = allocator.agents[id] else {
                violations.append("agent \(id) missing")
                continue
            }
            if agent.total != agentTotals[id] { violations.append("agent \(id) total \(agent.total)") }
            clusterTotal.add(agent.total.scalarQuantities)
            let parts =
                offers.values.filter { $0.agent == id }.map(\.resources)
                + used.filter { $0.key.agent == id }.map(\.value)
            if sumOfMeasures(parts) != agent.allocated.measure {
                violations.append("agent \(id): pieces \(parts) do not add up to \(agent.allocated): overlap or drift")
            }
            if !agent.total.contains(agent.allocated) {
                violations.append("agent \(id) over-committed: \(agent.allocated) of \(agent.total)")
            }
        }
        if allocator.agents.count != agentTotals.count { violations.append("\(allocator.agents.count) agents") }
        if allocator.total != clusterTotal {
            violations.append("cluster total \(allocator.total), expected \(clusterTotal)")
        }
        checkSorterSums()
        for (id, roles) in frameworkRoles {
            let expected = Set(roles.filter { suppressed.contains("\(id)/\($0)") })
            if allocator.frameworks[id]?.suppressedRoles != expected {
                violations.append("framework \(id) suppression")
            }
        }
    }

    /// The per-role and per-framework sums equal the sums of the offers and uses.
    mutating func checkSorterSums() {
        var byRole: [String: ScalarQuantities] = [:]
        var byFramework: [String: ScalarQuantities] = [:]
        let pieces = offers.values.map { ($0.key, $0.resources) } + used.map { ($0.key, $0.value) }
        for (key, resources) in pieces {
            byRole[key.role, default: ScalarQuantities()].add(resources.scalarQuantities)
            byFramework["\(key.framework)/\(key.role)", default: ScalarQuantities()].add(resources.scalarQuantities)
        }
        for role in Self.roles where allocator.allocation(role: role) != byRole[role] ?? ScalarQuantities() {
            violations.append(
                "role \(role) holds \(allocator.allocation(role: role)), expected \(byRole[role] ?? .init())")
        }
        for framework in frameworkRoles.keys.sorted() {
            for role in Self.roles {
                let expected = byFramework["\(framework)/\(role)"] ?? ScalarQuantities()
                if allocator.allocation(framework: framework, role: role) != expected {
                    violations.append(
                        "\(framework)/\(role) holds \(allocator.allocation(framework: framework, role: role))")
                }
            }
        }
    }

    mutating func expectRescinded(_ rescinded: [Offer], where belongs: (Offer) -> Bool, _ what: String) {
        let expected = offers.values.filter(belongs).sorted { $0.id < $1.id }
        if rescinded != expected { violations.append("\(what) rescinded \(rescinded), expected \(expected)") }
        for offer in expected { offers[offer.id] = nil }
    }

    struct Snapshot: Equatable {
        var agents: [AgentID: Allocator.Agent]
        var offers: [OfferID: Offer]
        var used: [AllocationKey: Resources]
        var filters: [AllocationKey: [OfferFilter]]
        var total: ScalarQuantities
    }

    func snapshot() -> Snapshot {
        Snapshot(
            agents: allocator.agents, offers: allocator.offers, used: allocator.used, filters: allocator.filters,
            total: allocator.total)
    }

    mutating func expectUnchanged(_ before: Snapshot, _ what: String) {
        if snapshot() != before { violations.append("\(what) changed the allocator") }
    }

    /// A random element, chosen in a seed-stable order.
    mutating func pick<C: Collection>(_ items: C) -> C.Element? where C.Element: Comparable {
        let sorted = items.sorted()
        return sorted.isEmpty ? nil : random.pick(sorted)
    }

    mutating func pick(_ items: Dictionary<OfferID, Offer>.Values) -> Offer? {
        let sorted = items.sorted { $0.id < $1.id }
        return sorted.isEmpty ? nil : random.pick(sorted)
    }
}
