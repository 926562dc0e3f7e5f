extension Allocator {
    /// A cluster for timing one allocation round, in the shape of Mesos' allocator
    /// benchmark: `agents` agents of `cpus:16; mem:65536; disk:1000000; ports:[31000-32000]`
    /// and `frameworks` frameworks spread round-robin over `roles` roles, nothing allocated.
    /// The caller times `allocate(now:)` on it; `corral bench cluster` will.
    public static func benchmarkScenario(
        agents: Int, frameworks: Int, roles: Int, sorter: any Sorter = DRFSorter()
    ) -> Allocator {
        precondition(
            agents >= 0 && frameworks >= 0 && roles > 0, "\(agents) agents, \(frameworks) frameworks, \(roles) roles")
        var allocator = Allocator(sorter: sorter)
        let total = Resources([
            .scalar("cpus", 16), .scalar("mem", 65536), .scalar("disk", 1_000_000), .ranges("ports", [31000...32000]),
        ])
        do {
            for index in 0..<agents { try allocator.addAgent(AgentID(padded("agent-", index)), total: total) }
            for index in 0..<frameworks {
                try allocator.addFramework(
                    FrameworkID(padded("framework-", index)), roles: [padded("role-", index % roles)])
            }
        } catch {
            preconditionFailure("benchmark scenario: \(error)")
        }
        return allocator
    }

    /// `prefix` and `index` in eight digits, so that text order is number order.
    private static func padded(_ prefix: String, _ index: Int) -> String {
        let digits = String(index)
        return prefix + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
