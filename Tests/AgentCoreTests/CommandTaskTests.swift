import AgentCore
import ClusterCore
import ClusterProtocol
import Testing

@Suite("agent: command tasks and the status update manager")
struct CommandTaskTests {
    @Test("a command task runs as `sh -c` in its sandbox with Mesos' environment, its ports and limits")
    func launch() throws {
        var harness = AgentHarness()
        var task = AgentHarness.command("t1", "echo hi")
        task.command?.environment = Mesos.Environment(variables: [.init(name: "GREETING", value: "hello")])
        harness.run(task)
        let launch = try #require(harness.launched.first)
        #expect(launch.argv == ["/bin/sh", "-c", "echo hi"])
        #expect(launch.sandbox.hasPrefix("/w/slaves/A/frameworks/F/executors/t1/runs/"))
        let environment = launch.environment
        #expect(environment["MESOS_SANDBOX"] == launch.sandbox)
        #expect(environment["MESOS_FRAMEWORK_ID"] == "F")
        #expect(environment["MESOS_EXECUTOR_ID"] == "t1")
        #expect(environment["MESOS_AGENT_ENDPOINT"] == "127.0.0.1:5051")
        #expect(environment["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] == "5secs")
        #expect(
            environment["PORT0"] == "31000" && environment["PORT1"] == "31001" && environment["PORTS"] == "31000,31001")
        #expect(environment["GREETING"] == "hello")
        #expect(environment["PATH"] != nil)
        #expect(launch.limits == ContainerLimits(memoryBytes: 128 << 20, cpuShares: 1024))
    }

    @Test("the agent's inherited variables (LIBPROCESS_SSL_*) reach a task; Mesos' own and the task's win")
    func inheritedEnvironment() throws {
        var harness = AgentHarness()
        harness.agent = Agent(
            config: {
                var config = AgentHarness.config
                config.inheritedEnvironment = [
                    "LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CA_FILE": "/etc/ca.pem",
                    "MESOS_SANDBOX": "/not/the/sandbox", "LIBPROCESS_SSL_VERIFY_CERT": "true",
                ]
                return config
            }(), now: harness.now)
        harness.register()
        var task = AgentHarness.command("t1", "env")
        task.command?.environment = Mesos.Environment(variables: [
            .init(name: "LIBPROCESS_SSL_VERIFY_CERT", value: "false")
        ])
        harness.run(task)
        let environment = try #require(harness.launched.first).environment
        #expect(
            environment["LIBPROCESS_SSL_ENABLED"] == "true" && environment["LIBPROCESS_SSL_CA_FILE"] == "/etc/ca.pem")
        #expect(environment["MESOS_SANDBOX"] == harness.launched[0].sandbox)
        #expect(environment["LIBPROCESS_SSL_VERIFY_CERT"] == "false")
    }

    /// Found by the cluster simulation (seed 6): a RUN_TASK lost with a cut stream left the
    /// master holding the task as TASK_STAGING for ever.
    @Test(
        "tasks the master expects but this agent never ran are reported lost, or dropped to partition-aware frameworks")
    func reconciliationOnRegistering() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("runs", "sleep 5"))
        _ = harness.takeUpdates()
        var aware = Mesos.FrameworkInfo(user: "u", name: "g", id: "G")
        aware.capabilities = [.init(type: .partitionAware)]
        let registered = AgentEvent.Registered(
            agentID: "A", masterInfo: Mesos.MasterInfo(id: "M", ip: 0), pingIntervalSeconds: 15,
            reconciliations: [
                .init(frameworkInfo: AgentHarness.framework, taskIDs: ["runs", "lost"]),
                .init(frameworkInfo: aware, taskIDs: ["dropped"]),
            ])
        harness.step(.masterDisconnected)
        harness.step(.masterConnected)
        harness.step(.masterEvent(AgentEvent(type: .registered, registered: registered)))
        let updates = harness.takeUpdates().filter { $0.reason == .reconciliation }
        #expect(updates.map(\.taskID.value) == ["lost", "dropped"])
        #expect(updates.map(\.state) == [.lost, .dropped])
        #expect(updates.allSatisfy { $0.source == .agent && $0.uuid != nil })
    }

    /// Found by the cluster simulation (seed 37): the uuid variant's bits overwrote two bits
    /// of the counter, so every 64th container id and update uuid repeated an earlier one.
    @Test("container ids and status update uuids never repeat over many tasks")
    func uniqueIDs() {
        var harness = AgentHarness()
        for n in 0..<300 { harness.run(AgentHarness.command("t\(n)", "true")) }
        let containers = harness.launched.map(\.containerID)
        #expect(containers.count == 300)
        #expect(Set(containers).count == containers.count)
        let uuids = harness.takeUpdates().compactMap(\.uuid)
        #expect(uuids.count == 300)
        #expect(Set(uuids).count == uuids.count)
    }

    @Test("a command without a shell runs value with its arguments, argv[0] included")
    func noShell() {
        var command = Mesos.CommandInfo(value: "/bin/echo", arguments: ["echo", "a", "b"])
        command.shell = false
        var task = AgentHarness.command("t", "")
        task.command = command
        var harness = AgentHarness()
        harness.run(task)
        #expect(harness.launched.first?.argv == ["/bin/echo", "a", "b"])
    }

    @Test("STARTING, RUNNING, FINISHED go out one at a time, each after the previous one's acknowledgement")
    func updatesInOrder() throws {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t1", "true"))
        let container = harness.launched[0].containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 42, startTime: 7)))
        harness.step(.containerExited(container, ContainerExit(exitStatus: 0)))
        let first = harness.takeUpdates()
        #expect(first.map(\.state) == [.starting])
        #expect(harness.toMaster.isEmpty)
        #expect(first[0].uuid?.bytes.count == 16 && first[0].agentID == "A")
        harness.ack(first[0])
        let second = harness.takeUpdates()
        #expect(second.map(\.state) == [.running])
        #expect(harness.agent.updates.all.first?.1.count == 2)
        harness.ack(second[0])
        let third = harness.takeUpdates()
        #expect(third.map(\.state) == [.finished])
        #expect(third[0].message == "Command exited with status 0")
        harness.ack(third[0])
        #expect(harness.agent.executors.isEmpty)
        #expect(harness.agent.updates.all.isEmpty)
        // It is kept as an executor that ended, with its task and sandbox, for `/state`.
        let completed = try #require(harness.agent.completedExecutors.first)
        #expect(completed.tasks.values.map(\.state) == [.finished])
        #expect(!completed.sandbox.isEmpty && completed.stream == nil)
    }

    @Test("the agent keeps the last 150 executors that ended, oldest dropped first")
    func completedExecutorsBound() {
        var harness = AgentHarness()
        for n in 0..<(Agent.completedExecutorsMax + 5) {
            harness.run(AgentHarness.command("t\(n)", "true"))
            let container = harness.launched[n].containerID
            harness.step(.containerStarted(container, ProcessIdentity(pid: Int32(100 + n), startTime: 7)))
            harness.step(.containerExited(container, ContainerExit(exitStatus: 0)))
            _ = harness.ackAll()
        }
        #expect(harness.agent.executors.isEmpty)
        #expect(harness.agent.completedExecutors.count == Agent.completedExecutorsMax)
        #expect(harness.agent.completedExecutors.first?.info.executorID.value == "t5")
        #expect(harness.agent.completedExecutors.last?.info.executorID.value == "t\(Agent.completedExecutorsMax + 4)")
    }

    @Test("an update is sent again after 10 s, then 20 s, until acknowledged; and at once on registering again")
    func retries() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t1", "true"))
        #expect(harness.takeUpdates().count == 1)
        harness.advance(9_999)
        #expect(harness.takeUpdates().isEmpty)
        harness.advance(1)
        #expect(harness.takeUpdates().map(\.state) == [.starting])
        harness.advance(19_999)
        #expect(harness.takeUpdates().isEmpty)
        harness.advance(1)
        #expect(harness.takeUpdates().count == 1)
        #expect(harness.agent.updates.retries == 2)
        #expect(harness.agent.updates.waitingCount == 1)
        harness.step(.masterDisconnected)
        harness.advance(60_000)
        #expect(harness.takeUpdates().isEmpty)
        harness.step(.masterConnected)
        harness.step(
            .masterEvent(
                AgentEvent(
                    type: .registered,
                    registered: .init(
                        agentID: "A", masterInfo: Mesos.MasterInfo(id: "M2", ip: 0), pingIntervalSeconds: 15))))
        #expect(harness.takeUpdates().map(\.state) == [.starting])
        // Sent again for registering is no retry of a silence.
        #expect(harness.agent.updates.retries == 2)
    }

    @Test(
        "exit 3 is TASK_FAILED with the status; over memory is REASON_CONTAINER_LIMITATION_MEMORY; a kill is TASK_KILLED"
    )
    func endings() {
        var harness = AgentHarness()
        for (id, shell) in [("fail", "exit 3"), ("oom", "eat"), ("kill", "sleep 100")] {
            harness.run(AgentHarness.command(id, shell, resources: "cpus:0.1;mem:64"))
        }
        let containers = Dictionary(
            uniqueKeysWithValues: harness.launched.map { ($0.environment["MESOS_TASK_ID"]!, $0.containerID) })
        for container in containers.values {
            harness.step(.containerStarted(container, ProcessIdentity(pid: 1, startTime: 7)))
        }
        _ = harness.ackAll()
        harness.step(.containerExited(containers["fail"]!, ContainerExit(exitStatus: 3)))
        harness.step(
            .containerExited(
                containers["oom"]!,
                ContainerExit(
                    signal: 9, memoryLimitExceeded: true,
                    message: "Memory limit exceeded: Requested: 64MB Maximum Used: 64MB")))
        harness.step(.masterEvent(AgentEvent(type: .killTask, killTask: .init(frameworkID: "F", taskID: "kill"))))
        #expect(harness.killed.map(\.0) == [containers["kill"]!])
        #expect(harness.killed.map(\.1) == [3_000])
        harness.step(.containerExited(containers["kill"]!, ContainerExit(signal: 15)))
        let updates = harness.takeUpdates()
        let byTask = Dictionary(uniqueKeysWithValues: updates.map { ($0.taskID.value, $0) })
        #expect(byTask["fail"]?.state == .failed && byTask["fail"]?.message == "Command exited with status 3")
        #expect(byTask["oom"]?.state == .failed && byTask["oom"]?.reason == .containerLimitationMemory)
        #expect(byTask["oom"]?.message?.hasPrefix("Memory limit exceeded") == true)
        #expect(byTask["kill"]?.state == .killed)
    }

    @Test("a kill for a task the agent does not know answers TASK_LOST")
    func unknownKill() {
        var harness = AgentHarness()
        harness.step(.masterEvent(AgentEvent(type: .killTask, killTask: .init(frameworkID: "F", taskID: "ghost"))))
        #expect(harness.takeUpdates().map(\.state) == [.lost])
    }

    @Test("the registration carries the agent's id, frameworks and tasks, for a new master")
    func registration() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t1", "sleep 5"))
        let registration = harness.agent.registration
        #expect(registration.agentInfo.id == "A")
        #expect(registration.frameworks.map(\.id) == ["F"])
        #expect(registration.tasks.map(\.taskID) == ["t1"])
        #expect(registration.tasks.map(\.state) == [.starting])
    }

    @Test("a master silent for five ping intervals is dropped and registered with again")
    func silentMaster() {
        var harness = AgentHarness()
        harness.advance(74_000)
        #expect(harness.reconnects == 0)
        harness.advance(1_000)
        #expect(harness.reconnects == 1)
        #expect(harness.agent.connection == .disconnected)
    }

    @Test("SHUTDOWN_FRAMEWORK kills its command tasks")
    func shutdownFramework() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("a", "sleep 9"))
        harness.run(AgentHarness.command("b", "sleep 9"))
        harness.step(.masterEvent(AgentEvent(type: .shutdownFramework, shutdownFramework: .init(frameworkID: "F"))))
        #expect(Set(harness.killed.map(\.0)) == Set(harness.launched.map(\.containerID)))
    }
}

@Suite("agent: framework shutdown")
struct FrameworkShutdownTests {
    @Test("after SHUTDOWN_FRAMEWORK the tasks' last updates are not queued, and the agent forgets them once they end")
    func forgetsShutDownFramework() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("a", "sleep 9"))
        let container = harness.launched[0].containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 1, startTime: 7)))
        _ = harness.takeUpdates()
        harness.step(.masterEvent(AgentEvent(type: .shutdownFramework, shutdownFramework: .init(frameworkID: "F"))))
        harness.step(.containerExited(container, ContainerExit(signal: 15)))
        #expect(harness.takeUpdates().isEmpty)
        #expect(harness.agent.executors.isEmpty && harness.agent.frameworks.isEmpty)
        harness.advance(700_000)
        #expect(harness.takeUpdates().isEmpty)
    }

    @Test("a custom executor without a command fails its task with that reason")
    func executorWithoutCommand() {
        var harness = AgentHarness()
        var task = AgentHarness.command("t", "")
        task.command = nil
        var executor = AgentHarness.executor("E")
        executor.command = nil
        task.executor = executor
        harness.run(task)
        let updates = harness.takeUpdates()
        #expect(updates.map(\.state) == [.failed])
        #expect(updates.first?.message?.contains("no command") == true)
    }
}

@Suite("agent: bad events from the master")
struct BadMasterEventTests {
    @Test("RUN_TASK and RUN_TASK_GROUP without a framework id are ignored, not a crash")
    func missingFrameworkID() {
        var harness = AgentHarness()
        let anonymous = Mesos.FrameworkInfo(user: "u", name: "f")
        harness.step(
            .masterEvent(
                AgentEvent(
                    type: .runTask, runTask: .init(frameworkInfo: anonymous, tasks: [AgentHarness.command("t", "true")])
                )))
        let group = Mesos.TaskGroupInfo(tasks: [AgentHarness.command("g", "true")])
        harness.step(
            .masterEvent(
                AgentEvent(
                    type: .runTaskGroup,
                    runTaskGroup: .init(
                        frameworkInfo: anonymous, executor: AgentHarness.executor("E"), taskGroup: group))))
        #expect(harness.launched.isEmpty)
        #expect(harness.agent.executors.isEmpty)
    }
}

@Suite("agent: stopping for good")
struct AgentShutdownTests {
    @Test("shutdown kills every task and reports TASK_KILLED to the master, unlike a framework's shutdown")
    func shutdownReportsKilled() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("a", "sleep 9"))
        harness.run(AgentHarness.command("b", "sleep 9"))
        for launch in harness.launched {
            harness.step(.containerStarted(launch.containerID, ProcessIdentity(pid: 1, startTime: 7)))
        }
        #expect(harness.ackAll().filter { $0 == .running }.count == 2)
        harness.step(.shutdown)
        #expect(Set(harness.killed.map(\.0)) == Set(harness.launched.map(\.containerID)))
        #expect(harness.agent.containersRunning == 2)
        for launch in harness.launched { harness.step(.containerExited(launch.containerID, ContainerExit(signal: 15))) }
        #expect(harness.agent.containersRunning == 0)
        let updates = harness.takeUpdates()
        #expect(updates.map(\.state) == [.killed, .killed])
        #expect(Set(updates.map(\.taskID.value)) == ["a", "b"])
    }

    @Test("a RUN_TASK that comes while the agent leaves is ignored, as Mesos' terminating agent ignores it")
    func noTasksWhileLeaving() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("a", "sleep 9"))
        harness.step(.shutdown)
        harness.run(AgentHarness.command("late", "sleep 9"))
        #expect(harness.launched.map(\.argv) == [["/bin/sh", "-c", "sleep 9"]])
        #expect(!harness.takeUpdates().contains { $0.taskID == "late" })
        #expect(harness.agent.executors.keys.map(\.executor) == ["a"])
    }
}

@Suite("the user a container runs as")
struct ContainerUserChoiceTests {
    @Test("the command's user, else the framework's; none without switch_user")
    func choice() throws {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("framework-user", "true"))
        var task = AgentHarness.command("command-user", "true")
        task.command?.user = "nobody"
        harness.run(task)
        #expect(harness.launched.map(\.user) == ["u", "nobody"])
        var config = AgentHarness.config
        config.switchUser = false
        var unswitched = AgentHarness()
        unswitched.agent = Agent(config: config, now: 0)
        unswitched.register()
        unswitched.run(task)
        #expect(unswitched.launched.map(\.user) == [nil])
    }
}
