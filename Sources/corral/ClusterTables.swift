import ClusterCore
import ClusterProtocol

/// The tables of `corral cluster`, from the operator API's answers.
enum ClusterTables {
    static let scalars = ["cpus", "mem", "disk"]

    static func status(_ state: Mesos.OperatorResponse.GetState) -> TextTable {
        let agents = state.getAgents?.agents ?? []
        var total = Resources()
        var used = Resources()
        for agent in agents {
            total.add(parsed(agent.totalResources))
            used.add(parsed(agent.allocatedResources))
        }
        var table = TextTable(header: ["WHAT", "VALUE"])
        table.rows.append(["agents", "\(agents.filter(\.active).count) active of \(agents.count)"])
        let frameworks = state.getFrameworks?.frameworks ?? []
        table.rows.append(["frameworks", "\(frameworks.filter(\.active).count) active of \(frameworks.count)"])
        for name in scalars { table.rows.append([name, "\(used.scalar(name)) used of \(total.scalar(name))"]) }
        var byState: [String: Int] = [:]
        for task in (state.getTasks?.tasks ?? []) + (state.getTasks?.completedTasks ?? []) {
            byState[task.state.rawValue, default: 0] += 1
        }
        for (name, count) in byState.sorted(by: { $0.key < $1.key }) { table.rows.append([name, String(count)]) }
        return table
    }

    static func agents(_ agents: Mesos.OperatorResponse.GetAgents) -> TextTable {
        var table = TextTable(
            header: ["ID", "HOSTNAME", "ACTIVE", "MAINTENANCE"] + scalars.map { $0.uppercased() + " USED/TOTAL" })
        for agent in agents.agents {
            let total = parsed(agent.totalResources)
            let used = parsed(agent.allocatedResources)
            let maintenance =
                agent.drainInfo.map { $0.state.rawValue.lowercased() }
                ?? (agent.deactivated == true ? "deactivated" : "-")
            table.rows.append(
                [agent.agentInfo.id?.value ?? "", agent.agentInfo.hostname, agent.active ? "yes" : "no", maintenance]
                    + scalars.map { "\(used.scalar($0))/\(total.scalar($0))" })
        }
        return table
    }

    static func frameworks(_ state: Mesos.OperatorResponse.GetState) -> TextTable {
        let total = (state.getAgents?.agents ?? []).reduce(into: Resources()) { $0.add(parsed($1.totalResources)) }
        var tasks: [Mesos.FrameworkID: Int] = [:]
        for task in state.getTasks?.tasks ?? [] { tasks[task.frameworkID, default: 0] += 1 }
        var table = TextTable(header: ["ID", "NAME", "ROLES", "ACTIVE", "TASKS", "CPUS", "MEM", "DOMINANT SHARE"])
        for framework in state.getFrameworks?.frameworks ?? [] {
            let held = parsed(framework.allocatedResources) + parsed(framework.offeredResources)
            let id = framework.frameworkInfo.id ?? Mesos.FrameworkID(value: "")
            table.rows.append([
                id.value, framework.frameworkInfo.name, framework.frameworkInfo.effectiveRoles.joined(separator: ","),
                framework.active ? "yes" : "no", String(tasks[id] ?? 0), held.scalar("cpus").description,
                held.scalar("mem").description, share(held, of: total),
            ])
        }
        return table
    }

    static func tasks(_ tasks: Mesos.OperatorResponse.GetTasks) -> TextTable {
        var table = TextTable(header: ["ID", "NAME", "FRAMEWORK", "AGENT", "STATE"])
        for task in tasks.tasks + tasks.completedTasks {
            table.rows.append([
                task.taskID.value, task.name, task.frameworkID.value, task.agentID.value, task.state.rawValue,
            ])
        }
        return table
    }

    static func roles(_ roles: Mesos.OperatorResponse.GetRoles, agents: Mesos.OperatorResponse.GetAgents) -> TextTable {
        let total = agents.agents.reduce(into: Resources()) { $0.add(parsed($1.totalResources)) }
        var table = TextTable(header: ["ROLE", "WEIGHT", "FRAMEWORKS", "CPUS", "MEM", "DOMINANT SHARE"])
        for role in roles.roles {
            let held = parsed(role.resources)
            table.rows.append([
                role.name, String(role.weight), String(role.frameworks.count), held.scalar("cpus").description,
                held.scalar("mem").description, share(held, of: total),
            ])
        }
        return table
    }

    /// The largest of held/total over cpus, mem and disk, as a percentage.
    static func share(_ held: Resources, of total: Resources) -> String {
        let shares = scalars.compactMap { name -> Double? in
            let all = total.scalar(name).doubleValue
            return all > 0 ? held.scalar(name).doubleValue / all : nil
        }
        let percent = (shares.max() ?? 0) * 100
        return String(Double(Int(percent * 10)) / 10) + "%"
    }

    static func parsed(_ wire: [Mesos.Resource]) -> Resources { (try? Resources(wire)) ?? Resources() }
}
