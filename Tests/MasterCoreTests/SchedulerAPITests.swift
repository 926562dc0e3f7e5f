import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

@Suite("master: subscription, offers and launches")
struct SchedulerAPITests {
    @Test("SUBSCRIBE answers SUBSCRIBED with an id and the heartbeat interval, then HEARTBEAT")
    func subscribe() {
        var harness = MasterHarness()
        let id = harness.subscribe("f")
        #expect(id.value == "M-0000")
        let events = harness.framework[StreamID("f")]!
        #expect(events.map(\.type) == [.subscribed, .heartbeat])
        #expect(events[0].subscribed?.heartbeatIntervalSeconds == 15)
        #expect(events[0].subscribed?.masterInfo?.id == "M")
        harness.advance(15_000)
        #expect(harness.framework[StreamID("f")]!.last?.type == .heartbeat)
    }

    @Test("an agent's resources are offered with its hostname and the framework's role")
    func offers() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:4;mem:1024;ports:[31000-31010]")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        #expect(offers.count == 1)
        #expect(offers[0].frameworkID == framework && offers[0].agentID == agent)
        #expect(agent.value == "M-S0")
        #expect(offers[0].hostname == "a.example")
        #expect(
            (try? Resources(offers[0].resources)) == (try? Resources(parsing: "cpus:4;mem:1024;ports:[31000-31010]")))
        #expect(offers[0].resources.allSatisfy { $0.allocationInfo?.role == "*" })
    }

    @Test("ACCEPT launches: the agent hears RUN_TASK with roles filled in, the rest is offered again")
    func launch() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:4;mem:1024")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        _ = harness.takeAgentEvents("a")
        var task = MasterHarness.commandTask("t1", on: agent, "cpus:1;mem:128")
        task.resources = task.resources.map {
            var r = $0
            r.allocationInfo = nil
            r.role = nil
            return r
        }
        let second = MasterHarness.commandTask("t2", on: agent, "cpus:1;mem:128")
        #expect(harness.call("f", framework, MasterHarness.accept(offers, [task, second], refuse: 0)) == .accepted)
        // One RUN_TASK for the LAUNCH: the framework's info goes once.
        let sent = harness.takeAgentEvents("a")
        #expect(sent.map(\.type) == [.runTask])
        #expect(sent[0].runTask?.tasks.map(\.taskID.value) == ["t1", "t2"])
        #expect(sent[0].runTask?.tasks.first?.resources.allSatisfy { $0.allocationInfo?.role == "*" } == true)
        #expect(harness.master.frameworks[framework]?.tasks[Mesos.TaskID(value: "t1")]?.state == .staging)
        harness.advance(0)
        let again = harness.takeOffers("f")
        #expect(again.count == 1)
        #expect((try? Resources(again[0].resources)) == (try? Resources(parsing: "cpus:2;mem:768")))
    }

    @Test("a health_check the agents do not run (HTTP, or on a task of a group) gets TASK_ERROR saying so")
    func unsupportedHealthChecks() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        var http = MasterHarness.commandTask("http", on: agent, "cpus:0.1")
        http.healthCheck = Mesos.HealthCheck(type: .http)
        var command = MasterHarness.commandTask("command", on: agent, "cpus:0.1")
        command.healthCheck = Mesos.HealthCheck(type: .command, command: Mesos.CommandInfo(value: "true"))
        var forever = MasterHarness.commandTask("forever", on: agent, "cpus:0.1")
        forever.healthCheck = Mesos.HealthCheck(
            type: .command, command: Mesos.CommandInfo(value: "true"), intervalSeconds: 1e9)
        harness.call("f", framework, MasterHarness.accept(offers, [http, command, forever], refuse: 0))
        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.taskID.value) == ["http", "forever"])
        #expect(updates.first?.message?.contains("Corral's agents run COMMAND checks") == true)
        #expect(updates.last?.message?.contains("0 to 86400 seconds") == true)
    }

    @Test(
        "a task asking for more than its offers, a duplicate id and a task without command or executor get TASK_ERROR")
    func invalidTasks() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        var offers = harness.takeOffers("f")
        _ = harness.takeAgentEvents("a")
        var bare = MasterHarness.commandTask("bare", on: agent, "cpus:0.1")
        bare.command = nil
        var defaultExecutor = MasterHarness.commandTask("default", on: agent, "cpus:0.1")
        defaultExecutor.command = nil
        defaultExecutor.executor = Mesos.ExecutorInfo(type: .default, executorID: "D")
        let tasks = [
            MasterHarness.commandTask("big", on: agent, "cpus:3"),
            MasterHarness.commandTask("ok", on: agent, "cpus:1;mem:128"),
            MasterHarness.commandTask("ok", on: agent, "cpus:0.5"),
            bare,
            defaultExecutor,
        ]
        harness.call("f", framework, MasterHarness.accept(offers, tasks, refuse: 0))
        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.taskID.value) == ["big", "ok", "bare", "default"])
        #expect(updates.last?.message?.contains("LAUNCH_GROUP") == true)
        #expect(updates.allSatisfy { $0.state == .error && $0.reason == .taskInvalid && $0.uuid == nil })
        #expect(updates[0].message?.contains("more resources") == true)
        #expect(updates[1].message?.contains("duplicate") == true || updates[1].message?.contains("Duplicate") == true)
        #expect(harness.takeAgentEvents("a").flatMap { $0.runTask?.tasks.map(\.taskID.value) ?? [] } == ["ok"])
        harness.advance(0)
        offers = harness.takeOffers("f")
        #expect((try? Resources(offers[0].resources)) == (try? Resources(parsing: "cpus:1;mem:384")))
    }

    @Test(
        "an ACCEPT of an offer that is gone reports TASK_LOST with REASON_INVALID_OFFERS (TASK_DROPPED if partition-aware)"
    )
    func invalidOffers() {
        var harness = MasterHarness()
        var info = Mesos.FrameworkInfo(user: "u", name: "p")
        info.capabilities = [.init(type: .partitionAware)]
        let aware = harness.subscribe("p", info: info)
        let plain = harness.subscribe("f")
        let agent = harness.register("a", "cpus:2;mem:512")
        let stale = Mesos.Offer(id: "M-O99", frameworkID: plain, agentID: agent, hostname: "a")
        harness.call("f", plain, MasterHarness.accept([stale], [MasterHarness.commandTask("t", on: agent, "cpus:1")]))
        harness.call("p", aware, MasterHarness.accept([stale], [MasterHarness.commandTask("t", on: agent, "cpus:1")]))
        let plainUpdates = harness.takeUpdates("f")
        #expect(plainUpdates.map(\.state) == [.lost])
        #expect(plainUpdates.map(\.reason) == [.invalidOffers])
        #expect(harness.takeUpdates("p").map(\.state) == [.dropped])
    }

    @Test("calls from a framework not subscribed get 403; a wrong or missing stream id 400")
    func callChecks() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        #expect(
            harness.step(.schedulerCall(Mesos.SchedulerCall(frameworkID: "nobody", type: .revive), streamID: "f"))
                == .rejected(status: 403, message: "Framework nobody is not subscribed"))
        guard
            case .rejected(400, _) = harness.step(
                .schedulerCall(Mesos.SchedulerCall(frameworkID: framework, type: .revive), streamID: "other"))
        else {
            Issue.record("a wrong stream id was not refused with 400")
            return
        }
        guard
            case .rejected(400, _) = harness.step(
                .schedulerCall(Mesos.SchedulerCall(frameworkID: framework, type: .revive), streamID: nil))
        else {
            Issue.record("a missing stream id was not refused with 400")
            return
        }
        guard case .rejected(400, _) = harness.call("f", framework, Mesos.SchedulerCall(type: .accept)) else {
            Issue.record("ACCEPT without 'accept' was not refused")
            return
        }
        #expect(harness.call("f", framework, Mesos.SchedulerCall(type: .revive)) == .accepted)
    }

    @Test("a SUBSCRIBE with an invalid FrameworkInfo gets 400 naming the problem")
    func invalidSubscribe() {
        var harness = MasterHarness()
        var info = Mesos.FrameworkInfo(user: "u", name: "n")
        info.roles = ["a"]
        let reply = harness.step(
            .schedulerSubscribe(
                Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info)), stream: "s"))
        guard case .rejected(400, let message) = reply else {
            Issue.record("accepted roles without MULTI_ROLE: \(reply)")
            return
        }
        #expect(message.contains("MULTI_ROLE"))
        info.roles = []
        info.role = "../x"
        guard
            case .rejected(400, _) = harness.step(
                .schedulerSubscribe(
                    Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info)), stream: "s"))
        else {
            Issue.record("accepted an invalid role")
            return
        }
    }

    @Test("DECLINE with refuse_seconds keeps the resources from the framework until the filter expires")
    func declineFilter() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        _ = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        harness.call(
            "f", framework,
            Mesos.SchedulerCall(
                type: .decline, decline: .init(offerIDs: offers.map(\.id), filters: .init(refuseSeconds: 10))))
        harness.advance(5_000)
        #expect(harness.takeOffers("f").isEmpty)
        harness.advance(5_000)
        #expect(harness.takeOffers("f").count == 1)
    }

    @Test("offers unanswered for --offer-timeout are rescinded and offered again")
    func offerTimeout() {
        var harness = MasterHarness { $0.offerTimeout = 3_000 }
        _ = harness.subscribe("f")
        _ = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        let first = harness.takeOffers("f")
        harness.advance(3_000)
        #expect(
            harness.framework[StreamID("f")]!.contains { $0.type == .rescind && $0.rescind?.offerID == first[0].id })
        harness.advance(1_000)
        #expect(harness.takeOffers("f").count == 1)
    }

    @Test("a second SUBSCRIBE with the framework's id takes over: the old stream hears ERROR and is closed")
    func resubscribe() {
        var harness = MasterHarness()
        let id = harness.subscribe("old")
        var info = Mesos.FrameworkInfo(user: "test", name: "old")
        info.id = id
        var call = Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info))
        call.frameworkID = id
        #expect(harness.step(.schedulerSubscribe(call, stream: "new")) == .streaming)
        #expect(harness.framework[StreamID("old")]!.last?.type == .error)
        #expect(harness.closed.contains(StreamID("old")))
        #expect(harness.framework[StreamID("new")]!.first?.subscribed?.frameworkID == id)
        #expect(harness.call("new", id, Mesos.SchedulerCall(type: .revive)) == .accepted)
    }
}
