import ClusterCore
import ClusterProtocol

/// Mesos' checks of the tasks in one ACCEPT (its `validation::task`), each failure the
/// message of a TASK_ERROR. Tasks that pass are filled in as Mesos does: the agent id, the
/// role of every resource (trap 8 of docs: resources may come without role or
/// allocation_info), and the executor's framework id for LAUNCH.
struct TaskValidation {
    let frameworkID: Mesos.FrameworkID
    let agentID: Mesos.AgentID
    let role: String
    private let taskLimit: Int
    /// The framework's tasks before this ACCEPT.
    private let taskCount: Int
    /// Whether the framework already has a task with this id.
    private let isKnown: (Mesos.TaskID) -> Bool
    /// Ids of the tasks of this ACCEPT that passed so far.
    private var claimed: Set<Mesos.TaskID> = []
    private var executors: [Mesos.ExecutorID: Mesos.ExecutorInfo]

    init(
        frameworkID: Mesos.FrameworkID, agentID: Mesos.AgentID, role: String, taskLimit: Int, taskCount: Int,
        executors: [Mesos.ExecutorID: Mesos.ExecutorInfo], isKnown: @escaping (Mesos.TaskID) -> Bool
    ) {
        self.frameworkID = frameworkID
        self.agentID = agentID
        self.role = role
        self.taskLimit = taskLimit
        self.taskCount = taskCount
        self.executors = executors
        self.isKnown = isKnown
    }

    /// The tasks filled in, with what they take, or the problem.
    func check(
        _ tasks: [Mesos.TaskInfo], executor: Mesos.ExecutorInfo?, group: Bool, available: Resources
    ) -> Result<Master.Launch, TaskProblem> {
        do throws(TaskProblem) {
            if group, tasks.isEmpty { throw TaskProblem("Task group is empty") }
            guard taskCount + claimed.count + tasks.count <= taskLimit else {
                throw TaskProblem("Framework \(frameworkID) has \(taskLimit) tasks, the most a framework may run")
            }
            var filledExecutor: Mesos.ExecutorInfo?
            var executorResources = Resources()
            if let executor {
                (filledExecutor, executorResources) = try checkExecutor(executor, group: group)
            } else if group {
                throw TaskProblem("LAUNCH_GROUP needs an 'executor'")
            }
            var seen = Set<Mesos.TaskID>()
            var filled: [Mesos.TaskInfo] = []
            var taskResources: [Resources] = []
            var total = executorResources
            for task in tasks {
                guard seen.insert(task.taskID).inserted else { throw TaskProblem("Duplicate task \(task.taskID)") }
                let (info, resources) = try checkTask(task, executor: filledExecutor, group: group)
                filled.append(info)
                taskResources.append(resources)
                total.add(resources)
            }
            guard available.contains(total) else {
                throw TaskProblem("Task uses more resources \(total) than available \(available)")
            }
            return .success(
                Master.Launch(
                    tasks: filled, taskResources: taskResources, executor: filledExecutor,
                    executorResources: executorResources, isGroup: group))
        } catch {
            return .failure(error)
        }
    }

    /// Remembers a launch that passed, so later tasks of the same ACCEPT see its ids and
    /// its executor.
    mutating func claim(_ launch: Master.Launch) {
        for task in launch.tasks { claimed.insert(task.taskID) }
        if let executor = launch.executor { executors[executor.executorID] = executor }
    }

    private func checkTask(
        _ task: Mesos.TaskInfo, executor: Mesos.ExecutorInfo?, group: Bool
    ) throws(TaskProblem) -> (Mesos.TaskInfo, Resources) {
        var task = task
        guard FrameworkValidation.isValidID(task.taskID.value) else {
            throw TaskProblem("Task id '\(task.taskID.value)' is invalid")
        }
        guard !claimed.contains(task.taskID), !isKnown(task.taskID) else {
            throw TaskProblem("Task has duplicate ID: \(task.taskID)")
        }
        guard task.agentID == agentID else {
            throw TaskProblem("Task uses agent \(task.agentID) but the offers are on agent \(agentID)")
        }
        if group {
            guard task.executor == nil else { throw TaskProblem("A task in a group must not name an executor") }
            guard task.command != nil else { throw TaskProblem("A task in a group needs a 'command'") }
        } else {
            guard (task.command == nil) != (task.executor == nil) else {
                throw TaskProblem("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present")
            }
            if task.executor?.type == .default {
                throw TaskProblem(
                    "The DEFAULT executor runs task groups: launch with LAUNCH_GROUP, or give a custom executor")
            }
            task.executor = executor
        }
        if let command = task.command { try Self.checkCommand(command, what: "Task") }
        if let check = task.healthCheck { try Self.checkHealthCheck(check, of: task, inGroup: group) }
        let (wire, resources) = try fill(task.resources, what: "Task")
        task.resources = wire
        return (task, resources)
    }

    /// The executor filled in, and its resources if this launch starts it.
    private func checkExecutor(
        _ executor: Mesos.ExecutorInfo, group: Bool
    ) throws(TaskProblem) -> (Mesos.ExecutorInfo, Resources) {
        var executor = executor
        guard FrameworkValidation.isValidID(executor.executorID.value) else {
            throw TaskProblem("Executor id '\(executor.executorID.value)' is invalid")
        }
        switch executor.frameworkID {
        case nil where group: throw TaskProblem("'ExecutorInfo.framework_id' must be set for LAUNCH_GROUP")
        case nil: executor.frameworkID = frameworkID
        case let given? where given != frameworkID:
            throw TaskProblem("ExecutorInfo has an invalid FrameworkID (\(given); expected \(frameworkID))")
        default: break
        }
        if executor.type != .default {
            guard let command = executor.command else {
                throw TaskProblem("Executor \(executor.executorID) needs a 'command' unless its type is DEFAULT")
            }
            try Self.checkCommand(command, what: "Executor")
        }
        let (wire, resources) = try fill(executor.resources, what: "Executor")
        executor.resources = wire
        if let running = executors[executor.executorID] {
            guard running == executor else {
                throw TaskProblem("ExecutorInfo is not compatible with the running executor \(executor.executorID)")
            }
            return (running, Resources())
        }
        return (executor, resources)
    }

    /// The resources with their role filled in, and as the allocator counts them.
    private func fill(_ wire: [Mesos.Resource], what: String) throws(TaskProblem) -> ([Mesos.Resource], Resources) {
        var filled: [Mesos.Resource] = []
        for var resource in wire {
            if let given = resource.allocationInfo?.role, given != role {
                throw TaskProblem("\(what) resource \(resource.name) is allocated to role '\(given)', not '\(role)'")
            }
            resource.allocationInfo = Mesos.Resource.AllocationInfo(role: role)
            filled.append(resource)
        }
        let resources: Resources
        do {
            resources = try Resources(filled)
        } catch {
            throw TaskProblem("\(what) has invalid resources: \(error)")
        }
        if let foreign = resources.entries.first(where: { !$0.isUnreserved && $0.role != role }) {
            throw TaskProblem("\(what) uses \(foreign), reserved for another role than '\(role)'")
        }
        return (filled, resources)
    }

    /// Corral's agents run COMMAND checks of command tasks (Mesos' command executor's);
    /// anything else would never report, so it is refused rather than silently not run.
    private static func checkHealthCheck(_ check: Mesos.HealthCheck, of task: Mesos.TaskInfo, inGroup: Bool)
        throws(TaskProblem)
    {
        guard check.type == .command, let command = check.command else {
            throw TaskProblem(
                "health_check of type \(check.type?.rawValue ?? "none") is not supported: Corral's agents run COMMAND checks (give type COMMAND and a command)"
            )
        }
        guard task.command != nil, !inGroup else {
            throw TaskProblem(
                "health_check is run for command tasks only (not in task groups); a custom executor runs its own checks"
            )
        }
        try checkCommand(command, what: "Health check")
        let seconds = [check.delaySeconds, check.intervalSeconds, check.timeoutSeconds, check.gracePeriodSeconds]
        guard seconds.allSatisfy({ $0.map { $0.isFinite && $0 >= 0 && $0 <= 86_400 } ?? true }) else {
            throw TaskProblem("health_check's delay, interval, timeout and grace period take 0 to 86400 seconds")
        }
    }

    private static func checkCommand(_ command: Mesos.CommandInfo, what: String) throws(TaskProblem) {
        guard let value = command.value, !value.isEmpty else {
            throw TaskProblem("\(what) command needs a 'value' (the shell command, or the program when shell is false)")
        }
    }
}

/// Why a task cannot launch: the message of its TASK_ERROR.
struct TaskProblem: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
