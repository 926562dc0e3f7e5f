import ClusterCore
import ClusterEdge
import ClusterProtocol
import MasterCore

/// The master's v0 JSON endpoints (`/master/state`, `/state-summary`, `/frameworks`,
/// `/slaves`, `/tasks`, `/roles`), shaped and named as Mesos writes them: resources as
/// `{"cpus": 4, "mem": 4096, "ports": "[31000-32000]"}`, times as seconds, ids as text.
enum StateJSON {
    static func seconds(_ milliseconds: Int64?) -> JSONValue {
        milliseconds.map { .double(Double($0) / 1000) } ?? .null
    }

    static func attributes(_ attributes: [Mesos.Attribute]) -> JSONValue {
        .object(
            attributes.map { attribute in
                let value: JSONValue
                if let text = attribute.text?.value {
                    value = .string(text)
                } else if let scalar = attribute.scalar?.value {
                    value = .double(scalar)
                } else {
                    value = .string("")
                }
                return (attribute.name, value)
            })
    }

    static func agent(_ record: AgentRecord, in master: Master, _ usage: Master.Usage) -> JSONValue {
        let offered = usage.offeredOnAgent[record.modelID] ?? Resources()
        let used = master.inUse(on: record, usage)
        return .object(
            [
                ("id", .string(record.id.value)),
                ("pid", .string("slave(1)@\(record.info.hostname):\(record.info.port ?? 5051)")),
                ("hostname", .string(record.info.hostname)),
                ("port", .int(Int64(record.info.port ?? 5051))),
                ("registered_time", seconds(record.registeredAt)),
                ("reregistered_time", seconds(record.reregisteredAt)),
                ("resources", JSONValue.resources(record.total)),
                ("used_resources", JSONValue.resources(used)),
                ("offered_resources", JSONValue.resources(offered)),
                ("reserved_resources", .object([])),
                ("unreserved_resources", JSONValue.resources(record.total.unreserved)),
                ("attributes", attributes(record.info.attributes)),
                ("active", .bool(record.isConnected)),
                ("deactivated", .bool(master.registry.agents[record.id]?.deactivated ?? false)),
                ("version", .string(Master.mesosVersion)),
            ] + (master.drainInfo(record.id).map { [("drain_info", JSONValue.raw(MesosJSON.encode($0)))] } ?? []))
    }

    static func task(_ task: TaskRecord) -> JSONValue {
        .object([
            ("id", .string(task.taskID.value)),
            ("name", .string(task.info.name)),
            ("framework_id", .string(task.frameworkID.value)),
            ("executor_id", .string(task.executorID?.value ?? "")),
            ("slave_id", .string(task.agentID.value)),
            ("agent_id", .string(task.agentID.value)),
            ("state", .string(task.state.rawValue)),
            ("role", .string(task.role)),
            ("resources", JSONValue.resources(task.resources)),
            (
                "statuses",
                .array(
                    task.statuses.map { status in
                        .object([
                            ("state", .string(status.state.rawValue)), ("timestamp", .double(status.timestamp ?? 0)),
                        ])
                    })
            ),
        ])
    }

    static func framework(_ record: FrameworkRecord, in master: Master, _ usage: Master.Usage) -> JSONValue {
        let offers = usage.offersOfFramework[record.modelID] ?? []
        let offered = usage.offered(to: record.modelID)
        let used = master.inUse(by: record)
        let info = record.info
        var members: [(String, JSONValue)] = [
            ("id", .string(record.id.value)),
            ("name", .string(info.name)),
            ("user", .string(info.user)),
            ("hostname", .string(info.hostname ?? "")),
            ("webui_url", .string(info.webuiUrl ?? "")),
            ("principal", info.principal.map { .string($0) } ?? .null),
            ("role", .string(info.effectiveRoles.first ?? "*")),
            ("roles", .array(info.effectiveRoles.map { .string($0) })),
        ]
        let capabilities: [JSONValue] = info.capabilities.compactMap { $0.type.map { .string($0.rawValue) } }
        members += [
            ("capabilities", .array(capabilities)),
            ("failover_timeout", .double(info.failoverTimeout ?? 0)),
            ("checkpoint", .bool(info.checkpoint ?? false)),
            ("active", .bool(record.active)),
            ("connected", .bool(record.isConnected)),
            ("recovered", .bool(false)),
            ("registered_time", seconds(record.registeredAt)),
            ("reregistered_time", seconds(record.reregisteredAt)),
            ("unregistered_time", seconds(record.disconnectedAt)),
        ]
        members += [
            ("resources", JSONValue.resources(used + offered)),
            ("used_resources", JSONValue.resources(used)),
            ("offered_resources", JSONValue.resources(offered)),
            ("tasks", .array(record.tasks.keys.sorted().map { task(record.tasks[$0]!) })),
            ("unreachable_tasks", .array(record.unreachableTasks.values.sorted { $0.key < $1.key }.map(task))),
            ("completed_tasks", .array(record.completedTasks.map(task))),
            ("offers", .array(offers.map { offerJSON($0, in: master) })),
            ("executors", .array([])),
        ]
        return .object(members)
    }

    static func offerJSON(_ offer: Offer, in master: Master) -> JSONValue {
        .object([
            ("id", .string(master.wireOffer(offer).id.value)),
            ("framework_id", .string(offer.framework.value)),
            ("slave_id", .string(offer.agent.value)),
            ("resources", JSONValue.resources(offer.resources)),
        ])
    }

    static func state(_ master: Master, info: Mesos.MasterInfo, startedAt: Int64, electedAt: Int64?) -> JSONValue {
        let usage = master.usage
        let agents = master.agents.keys.sorted().map { master.agents[$0]! }
        let frameworks = master.frameworks.keys.sorted().map { master.frameworks[$0]! }
        return .object([
            ("version", .string(Master.mesosVersion)),
            ("id", .string(info.id)),
            ("pid", .string(info.pid ?? "")),
            ("hostname", .string(info.hostname ?? "")),
            ("start_time", seconds(startedAt)),
            ("elected_time", seconds(electedAt)),
            ("activated_slaves", .int(Int64(agents.filter(\.isConnected).count))),
            ("deactivated_slaves", .int(Int64(agents.filter { !$0.isConnected }.count))),
            ("leader", .string(info.pid ?? "")),
            ("leader_info", masterInfo(info)),
            ("flags", .object([("allocator", .string(master.config.sorter.name))])),
            ("slaves", .array(agents.map { agent($0, in: master, usage) })),
            ("frameworks", .array(frameworks.map { framework($0, in: master, usage) })),
            ("completed_frameworks", .array(master.completedFrameworks.map { framework($0, in: master, usage) })),
            ("orphan_tasks", .array([])),
            ("unregistered_frameworks", .array([])),
        ])
    }

    static func masterInfo(_ info: Mesos.MasterInfo) -> JSONValue {
        .object([
            ("id", .string(info.id)),
            ("ip", .int(Int64(info.ip))),
            ("port", .int(Int64(info.port))),
            ("pid", .string(info.pid ?? "")),
            ("hostname", .string(info.hostname ?? "")),
            ("version", .string(info.version ?? "")),
            (
                "address",
                .object([
                    ("hostname", .string(info.address?.hostname ?? "")),
                    ("ip", .string(info.address?.ip ?? "")),
                    ("port", .int(Int64(info.address?.port ?? 0))),
                ])
            ),
        ])
    }

    /// `/master/state-summary`: agents and frameworks with task counts by state.
    static func summary(_ master: Master, info: Mesos.MasterInfo) -> JSONValue {
        let usage = master.usage
        var byAgent: [Mesos.AgentID: [String: Int64]] = [:]
        var byFramework: [Mesos.FrameworkID: [String: Int64]] = [:]
        for framework in master.frameworks.values {
            for task in framework.tasks.values {
                byAgent[task.agentID, default: [:]][task.state.rawValue, default: 0] += 1
                byFramework[framework.id, default: [:]][task.state.rawValue, default: 0] += 1
            }
        }
        let states = [
            "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED", "TASK_KILLED",
            "TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_UNREACHABLE",
        ]
        func counts(_ table: [String: Int64]) -> [(String, JSONValue)] { states.map { ($0, .int(table[$0] ?? 0)) } }
        let agents = master.agents.keys.sorted().map { id -> JSONValue in
            guard case .object(let members) = agent(master.agents[id]!, in: master, usage) else { return .null }
            return .object(members + counts(byAgent[id] ?? [:]))
        }
        let frameworks = master.frameworks.keys.sorted().map { id -> JSONValue in
            let record = master.frameworks[id]!
            return .object(
                [("id", .string(id.value)), ("name", .string(record.info.name)), ("active", .bool(record.active))]
                    + counts(byFramework[id] ?? [:]))
        }
        return .object([
            ("hostname", .string(info.hostname ?? "")), ("slaves", .array(agents)), ("frameworks", .array(frameworks)),
        ])
    }

    /// `/master/frameworks`.
    static func frameworks(_ master: Master) -> JSONValue {
        let usage = master.usage
        return .object([
            (
                "frameworks",
                .array(master.frameworks.keys.sorted().map { framework(master.frameworks[$0]!, in: master, usage) })
            ),
            ("completed_frameworks", .array(master.completedFrameworks.map { framework($0, in: master, usage) })),
            ("unregistered_frameworks", .array([])),
        ])
    }

    /// `/master/slaves`.
    static func agents(_ master: Master) -> JSONValue {
        let usage = master.usage
        return .object([
            ("slaves", .array(master.agents.keys.sorted().map { agent(master.agents[$0]!, in: master, usage) })),
            ("recovered_slaves", .array([])),
        ])
    }

    /// `/master/tasks`: every task, the completed ones too.
    static func tasks(_ master: Master) -> JSONValue {
        var tasks: [JSONValue] = []
        for id in master.frameworks.keys.sorted() {
            let record = master.frameworks[id]!
            tasks += record.tasks.keys.sorted().map { task(record.tasks[$0]!) }
            tasks += record.unreachableTasks.values.sorted { $0.key < $1.key }.map(task)
            tasks += record.completedTasks.map(task)
        }
        return .object([("tasks", .array(tasks))])
    }

    static func roles(_ master: Master) -> JSONValue {
        let roles = master.operatorRoles.roles.map { role -> JSONValue in
            let held = (try? Resources(role.resources)) ?? Resources()
            return .object([
                ("name", .string(role.name)), ("weight", .double(role.weight)),
                ("frameworks", .array(role.frameworks.map { .string($0.value) })),
                ("resources", JSONValue.resources(held)),
            ])
        }
        return .object([("roles", .array(roles))])
    }
}
