import ClusterCore
import ClusterProtocol

/// ACCEPT: the framework uses offered resources to launch tasks. The offers are checked
/// first (all outstanding, all its own, all on one agent, all for one role); then each
/// LAUNCH and LAUNCH_GROUP in order, each task checked (`TaskValidation`) and its resources
/// taken from what the offers hold. A task that fails gets TASK_ERROR and launches
/// nothing; what no task used goes back to the allocator behind the call's filter.
extension Master {
    /// One task (or task group) that passed its checks, with what it takes from the offers.
    struct Launch {
        var tasks: [Mesos.TaskInfo]
        var taskResources: [Resources]
        /// For a task group, or a task on a custom executor.
        var executor: Mesos.ExecutorInfo?
        /// The executor's own resources when this launch starts it.
        var executorResources: Resources
        var isGroup: Bool
    }

    /// The offers an ACCEPT names, checked.
    struct AcceptedOffers {
        var offers: [Offer]
        var agentID: Mesos.AgentID
        var role: String
        var resources: Resources
    }

    mutating func onAccept(_ accept: Mesos.SchedulerCall.Accept, from framework: Caller) {
        let refuse = accept.filters?.refuseSeconds.map(Self.milliseconds)
        let checked: AcceptedOffers
        switch checkOffers(accept.offerIDs, framework: framework) {
        case .success(let offers): checked = offers
        case .failure(let refusal):
            refuseLaunches(accept.operations, framework: framework, problem: refusal.message)
            allocateSoon()
            return
        }
        let (launches, available) = checkLaunches(accept.operations, framework: framework, offers: checked)
        let used = checked.resources.removing(available)
        book(used, in: checked.offers, refuse: refuse)
        start(launches, framework: framework.id, agentID: checked.agentID, role: checked.role)
        allocateSoon(on: checked.agentID)
    }

    /// The launches that pass their checks, and what the offers hold after them. The
    /// framework's task table is read through a snapshot that is gone when this returns,
    /// before `start` writes the table (a live snapshot would make that write copy it all).
    private mutating func checkLaunches(
        _ operations: [Mesos.Offer.Operation], framework: Caller, offers checked: AcceptedOffers
    ) -> ([Launch], Resources) {
        var available = checked.resources
        var launches: [Launch] = []
        let known = frameworks[framework.id]!.tasks
        var validation = TaskValidation(
            frameworkID: framework.id, agentID: checked.agentID, role: checked.role,
            taskLimit: config.tasksPerFrameworkMax, taskCount: known.count,
            executors: frameworks[framework.id]!.executors[checked.agentID] ?? [:],
            isKnown: { known[$0] != nil })
        for operation in operations {
            switch operation.type {
            case .launch:
                for task in operation.launch?.taskInfos ?? [] {
                    if let launch = prepare([task], executor: task.executor, group: false, &validation, &available) {
                        launches.append(launch)
                    }
                }
            case .launchGroup:
                guard let group = operation.launchGroup else { continue }
                if let launch = prepare(
                    group.taskGroup.tasks, executor: group.executor, group: true, &validation, &available)
                {
                    launches.append(launch)
                }
            default:
                log("Framework \(framework.id): \(operation.type.rawValue) operations are not supported; ignored")
            }
        }
        return (launches, available)
    }

    /// Checks one task or task group; on failure every task of it hears TASK_ERROR.
    private mutating func prepare(
        _ tasks: [Mesos.TaskInfo], executor: Mesos.ExecutorInfo?, group: Bool,
        _ validation: inout TaskValidation, _ available: inout Resources
    ) -> Launch? {
        if let info = frameworks[validation.frameworkID]?.info,
            let refusal = launchRefusal(tasks, executor: executor, framework: info)
        {
            for task in tasks {
                sendMasterUpdate(
                    validation.frameworkID, taskID: task.taskID, agentID: validation.agentID, state: .error,
                    reason: .taskUnauthorized, message: refusal)
            }
            return nil
        }
        switch validation.check(tasks, executor: executor, group: group, available: available) {
        case .success(let launch):
            available = available.removing(launch.executorResources)
            for resources in launch.taskResources { available = available.removing(resources) }
            validation.claim(launch)
            return launch
        case .failure(let problem):
            for task in tasks {
                sendMasterUpdate(
                    validation.frameworkID, taskID: task.taskID, agentID: validation.agentID, state: .error,
                    reason: .taskInvalid, message: problem.message)
            }
            return nil
        }
    }

    /// The offers named by an ACCEPT, or why they cannot be used (the valid ones go back).
    private mutating func checkOffers(
        _ wireIDs: [Mesos.OfferID], framework: Caller
    ) -> Result<AcceptedOffers, CallRefusal> {
        var offers: [Offer] = []
        var problem: String?
        if wireIDs.isEmpty { problem = "No offers specified" }
        if Set(wireIDs).count != wireIDs.count { problem = "Duplicate offers" }
        for wireID in wireIDs {
            guard let id = offerID(wireID), let offer = allocator.offers[id] else {
                problem = problem ?? "Offer \(wireID) is no longer valid"
                continue
            }
            guard offer.framework == framework.modelID else {
                problem = problem ?? "Offer \(wireID) has invalid framework"
                continue
            }
            offers.append(offer)
        }
        if problem == nil, Set(offers.map(\.agent)).count > 1 { problem = "Aggregated offers must belong to one agent" }
        if problem == nil, Set(offers.map(\.role)).count > 1 {
            problem = "Aggregated offers must be allocated to one role"
        }
        guard let problem else {
            var total = Resources()
            for offer in offers { total.add(offer.resources) }
            return .success(
                AcceptedOffers(
                    offers: offers, agentID: Mesos.AgentID(value: offers[0].agent.value), role: offers[0].role,
                    resources: total))
        }
        for offer in offers {
            try? allocator.rescind(offer.id)
            offerMadeAt[offer.id] = nil
        }
        return .failure(CallRefusal(400, problem))
    }

    /// Every task of an ACCEPT whose offers were unusable hears TASK_DROPPED (TASK_LOST
    /// if the framework is not partition-aware) with REASON_INVALID_OFFERS.
    private mutating func refuseLaunches(
        _ operations: [Mesos.Offer.Operation], framework: Caller, problem: String
    ) {
        let state: Mesos.TaskState = framework.isPartitionAware ? .dropped : .lost
        for operation in operations {
            let tasks = (operation.launch?.taskInfos ?? []) + (operation.launchGroup?.taskGroup.tasks ?? [])
            for task in tasks {
                sendMasterUpdate(
                    framework.id, taskID: task.taskID, agentID: task.agentID, state: state, reason: .invalidOffers,
                    message: problem)
            }
        }
    }

    /// Splits what the tasks use among the offers and hands the rest back behind `refuse`.
    private mutating func book(_ used: Resources, in offers: [Offer], refuse: Int64?) {
        var remaining = used
        for offer in offers {
            let part = remaining.intersection(offer.resources)
            remaining = remaining.removing(part)
            do {
                try allocator.accept(offer.id, use: part, refuse: refuse, now: now)
            } catch {
                preconditionFailure("accepting \(part) of \(offer): \(error)")
            }
            offerMadeAt[offer.id] = nil
        }
        precondition(remaining.isEmpty, "\(remaining) used beyond the offers \(offers)")
    }

    /// Records the tasks as STAGING and tells the agent to run them: each task group in its
    /// RUN_TASK_GROUP, the other tasks of the ACCEPT in one RUN_TASK.
    private mutating func start(
        _ launches: [Launch], framework id: Mesos.FrameworkID, agentID: Mesos.AgentID, role: String
    ) {
        guard frameworks[id] != nil, agents[agentID] != nil, !launches.isEmpty else { return }
        var single: [Mesos.TaskInfo] = []
        for launch in launches {
            record(launch, framework: id, agentID: agentID, role: role)
            if !launch.isGroup { single += launch.tasks }
        }
        log("Launching \(launches.flatMap { $0.tasks.map(\.taskID.value) }) of framework \(id) on agent \(agentID)")
        guard let stream = agents[agentID]!.stream else { return }
        let info = frameworks[id]!.info
        for launch in launches where launch.isGroup {
            guard let executor = launch.executor else { continue }
            let group = Mesos.TaskGroupInfo(tasks: launch.tasks)
            let run = AgentEvent.RunTaskGroup(frameworkInfo: info, executor: executor, taskGroup: group)
            emit(.sendToAgent(stream, AgentEvent(type: .runTaskGroup, runTaskGroup: run)))
        }
        if !single.isEmpty {
            let run = AgentEvent.RunTask(frameworkInfo: info, tasks: single)
            emit(.sendToAgent(stream, AgentEvent(type: .runTask, runTask: run)))
        }
    }

    /// Records one launch's tasks as STAGING, and its executor's own resources.
    private mutating func record(
        _ launch: Launch, framework id: Mesos.FrameworkID, agentID: Mesos.AgentID, role: String
    ) {
        if let executor = launch.executor, frameworks[id]!.executors[agentID]?[executor.executorID] == nil {
            frameworks[id]!.executors[agentID, default: [:]][executor.executorID] = executor
            executorResources[ExecutorKey(framework: id, agent: agentID, executor: executor.executorID)] =
                ExecutorResources(role: role, resources: launch.executorResources)
        }
        for (task, resources) in zip(launch.tasks, launch.taskResources) {
            let record = TaskRecord(
                info: task, frameworkID: id, agentID: agentID, executorID: launch.executor?.executorID, role: role,
                resources: resources, state: .staging, statuses: [], unacknowledged: nil)
            frameworks[id]!.tasks[task.taskID] = record
            agents[agentID]!.tasks.insert(record.key)
            emit(.publish(.taskAdded(operatorTask(record))))
        }
    }
}
