import AgentCore
import ClusterCore
import ClusterEdge
import ClusterProtocol
import Hummingbird

/// The agent's `/state` in Mesos' v0 shape: the agent, its frameworks, their executors
/// with sandbox directories, and the executors' tasks.
enum AgentStateJSON {
    static func state(_ agent: Agent) -> JSONValue {
        let info = agent.config.agentInfo
        let frameworks = agent.frameworks.keys.sorted().map { id -> JSONValue in
            let framework = agent.frameworks[id]!
            let executors = agent.executors.keys.sorted().filter { $0.framework == id }.map {
                executor(agent.executors[$0]!, agent: agent)
            }
            return .object([
                ("id", .string(id.value)), ("name", .string(framework.name)), ("user", .string(framework.user)),
                ("role", .string(framework.effectiveRoles.first ?? "*")), ("executors", .array(executors)),
                ("completed_executors", .array(completedExecutors(of: id, agent))),
            ])
        }
        // Frameworks with nothing left here but executors that ended.
        var gone: [Mesos.FrameworkID] = []
        for run in agent.completedExecutors where agent.frameworks[run.frameworkID] == nil {
            if !gone.contains(run.frameworkID) { gone.append(run.frameworkID) }
        }
        let completedFrameworks = gone.map { id -> JSONValue in
            .object([
                ("id", .string(id.value)), ("executors", .array([])),
                ("completed_executors", .array(completedExecutors(of: id, agent))),
            ])
        }
        return .object([
            ("id", .string(agent.agentID?.value ?? "")),
            ("pid", .string("slave(1)@\(agent.config.endpoint)")),
            ("hostname", .string(info.hostname)),
            ("version", "1.11.0"),
            ("resources", JSONValue.resources(info.resources)),
            (
                "attributes",
                .object(
                    info.attributes.map { ($0.name, .string($0.text?.value ?? $0.scalar.map { "\($0.value)" } ?? "")) })
            ),
            ("master_hostname", .string(agent.masterInfo?.hostname ?? "")),
            ("frameworks", .array(frameworks)),
            ("completed_frameworks", .array(completedFrameworks)),
        ])
    }

    /// A framework's executors that ended (`Agent.completedExecutors`), newest first.
    static func completedExecutors(of framework: Mesos.FrameworkID, _ agent: Agent) -> [JSONValue] {
        agent.completedExecutors.reversed().filter { $0.frameworkID == framework }.map { executor($0, agent: agent) }
    }

    /// An executor with its tasks: those still running under `tasks`, those ended under
    /// `completed_tasks`.
    static func executor(_ run: ExecutorRun, agent: Agent) -> JSONValue {
        let tasks = run.tasks.keys.sorted().map { id -> (ended: Bool, json: JSONValue) in
            let task = run.tasks[id]!
            return (
                task.state.isTerminal,
                .object([
                    ("id", .string(id.value)), ("name", .string(task.info.name)),
                    ("framework_id", .string(run.frameworkID.value)),
                    ("executor_id", .string(run.info.executorID.value)),
                    ("slave_id", .string(agent.agentID?.value ?? "")), ("state", .string(task.state.rawValue)),
                    ("resources", JSONValue.resources(task.info.resources)),
                ])
            )
        }
        return .object([
            ("id", .string(run.info.executorID.value)), ("name", .string(run.info.name ?? "")),
            ("container", .string(run.containerID?.value ?? "")), ("directory", .string(run.sandbox)),
            ("resources", JSONValue.resources(run.info.resources)),
            ("tasks", .array(tasks.filter { !$0.ended }.map(\.json))),
            ("queued_tasks", .array([])),
            ("completed_tasks", .array(tasks.filter(\.ended).map(\.json))),
        ])
    }
}

/// The agent's `POST /api/v1` operator calls, answered from the core's state.
struct AgentOperator: Sendable {
    let host: AgentHost
    let access: AgentAccess
    let requestBytesMax: Int

    func handle(_ request: Request) async throws -> Response {
        var request = request
        if let problem = ContentNegotiation.contentTypeProblem(request) { return problem }
        let body = try await HTTPReplies.body(of: &request, limit: requestBytesMax)
        guard let call = try? MesosJSON.decode(AgentOperatorCall.self, from: body) else {
            return HTTPReplies.text(.badRequest, "Failed to parse body into Call: expected {\"type\": \"GET_…\"}")
        }
        switch call.type {
        case "GET_HEALTH":
            return HTTPReplies.json(
                JSONValue.object([("type", "GET_HEALTH"), ("get_health", .object([("healthy", true)]))]).serialized)
        case "GET_VERSION":
            return HTTPReplies.json(
                JSONValue.object([
                    ("type", "GET_VERSION"),
                    ("get_version", .object([("version_info", .object([("version", "1.11.0")]))])),
                ]).serialized)
        case "GET_STATE", "GET_FRAMEWORKS", "GET_EXECUTORS", "GET_TASKS", "GET_CONTAINERS":
            let principal = access.principal(request)
            let acls = access.acls
            let json = await host.read { AgentOperatorViews.response(call.type, $0, to: principal, acls) }
            return HTTPReplies.json(json.serialized)
        default:
            return HTTPReplies.text(.badRequest, "\(call.type) is not supported by this agent")
        }
    }
}

struct AgentOperatorCall: Decodable {
    var type: String
}

/// The agent's v1 operator answers, in the shape of agent.proto's Response, with what
/// `principal` may see (`Agent.visible(to:)`; containers by view_containers).
enum AgentOperatorViews {
    static func response(_ type: String, _ agent: Agent, to principal: String?, _ acls: MesosACLs) -> JSONValue {
        if type == "GET_CONTAINERS" {
            let containers = containers(agent) {
                acls.allows(.viewContainers, principal: principal, object: agent.user(of: $0))
            }
            return .object([("type", .string(type)), ("get_containers", containers)])
        }
        let agent = agent.visible(to: principal, acls)
        switch type {
        case "GET_FRAMEWORKS": return .object([("type", .string(type)), ("get_frameworks", frameworks(agent))])
        case "GET_EXECUTORS": return .object([("type", .string(type)), ("get_executors", executors(agent))])
        case "GET_TASKS": return .object([("type", .string(type)), ("get_tasks", tasks(agent))])
        default:
            return .object([
                ("type", "GET_STATE"),
                (
                    "get_state",
                    .object([
                        ("get_tasks", tasks(agent)), ("get_executors", executors(agent)),
                        ("get_frameworks", frameworks(agent)),
                    ])
                ),
            ])
        }
    }

    static func frameworks(_ agent: Agent) -> JSONValue {
        .object([
            (
                "frameworks",
                .array(
                    agent.frameworks.keys.sorted().map {
                        .object([("framework_info", .raw(MesosJSON.encode(agent.frameworks[$0]!)))])
                    })
            ),
            ("completed_frameworks", .array([])),
        ])
    }

    static func executors(_ agent: Agent) -> JSONValue {
        .object([
            (
                "executors",
                .array(
                    agent.executors.keys.sorted().map {
                        .object([("executor_info", .raw(MesosJSON.encode(agent.executors[$0]!.info)))])
                    })
            ),
            ("completed_executors", .array([])),
        ])
    }

    static func tasks(_ agent: Agent) -> JSONValue {
        var launched: [JSONValue] = []
        var completed: [JSONValue] = []
        for key in agent.executors.keys.sorted() {
            let run = agent.executors[key]!
            for id in run.tasks.keys.sorted() {
                let task = MesosJSON.encode(agent.masterView(run.tasks[id]!, in: run))
                if run.tasks[id]!.state.isTerminal { completed.append(.raw(task)) } else { launched.append(.raw(task)) }
            }
        }
        return .object([
            ("launched_tasks", .array(launched)), ("queued_tasks", .array([])), ("completed_tasks", .array(completed)),
        ])
    }

    static func containers(_ agent: Agent, shown: (ExecutorRun) -> Bool) -> JSONValue {
        var containers: [JSONValue] = []
        for key in agent.executors.keys.sorted() {
            let run = agent.executors[key]!
            guard shown(run) else { continue }
            // A command task's container is its executor's: listed once.
            var listed: [Mesos.ContainerID] = []
            for containerID in ([run.containerID] + run.tasks.values.map(\.containerID)).compactMap({ $0 })
            where !listed.contains(containerID) {
                listed.append(containerID)
                containers.append(
                    .object([
                        ("framework_id", .raw(MesosJSON.encode(key.framework))),
                        ("executor_id", .raw(MesosJSON.encode(key.executor))),
                        ("executor_name", .string(run.info.name ?? "")),
                        ("container_id", .raw(MesosJSON.encode(containerID))),
                    ]))
            }
        }
        return .object([("containers", .array(containers))])
    }
}
