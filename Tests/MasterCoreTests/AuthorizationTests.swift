import ClusterProtocol
import Testing

@testable import MasterCore

@Suite("Mesos' ACLs")
struct MesosACLsTests {
    typealias Entity = MesosACLs.Entity

    static let rules = MesosACLs(
        permissive: true,
        rules: [
            .registerFrameworks: [
                .init(principals: .some(["foo"]), object: .some(["analytics"])),
                .init(principals: .any, object: .none),
            ],
            .runTasks: [
                .init(principals: .some(["ops"]), object: .any),
                .init(principals: .none, object: .some(["root"])),
                .init(principals: .none, object: .some(["ads"])),
            ],
        ])

    @Test("the first rule whose subject and object match decides; NONE denies; permissive when none matches")
    func decisions() {
        let acls = Self.rules
        #expect(acls.allows(.registerFrameworks, principal: "foo", object: "analytics"))
        #expect(!acls.allows(.registerFrameworks, principal: "foo", object: "dev"))
        #expect(!acls.allows(.registerFrameworks, principal: "bar", object: "analytics"))
        #expect(!acls.allows(.registerFrameworks, principal: nil, object: "analytics"))
        #expect(acls.allows(.runTasks, principal: "ops", object: "root"))
        #expect(!acls.allows(.runTasks, principal: "bob", object: "root"))
        #expect(!acls.allows(.runTasks, principal: nil, object: "ads"))
        #expect(acls.allows(.runTasks, principal: "bob", object: "nobody"))
        #expect(acls.allows(.viewTasks, principal: nil, object: "anyone"))
        var strict = acls
        strict.permissive = false
        #expect(!strict.allows(.runTasks, principal: "bob", object: "nobody"))
        #expect(!strict.allows(.viewTasks, principal: "bob", object: "anyone"))
        // A SOME subject never matches a request without a principal.
        #expect(
            !MesosACLs(permissive: false, rules: [.viewTasks: [.init(principals: .some(["a"]), object: .any)]])
                .allows(.viewTasks, principal: nil, object: "u"))
    }
}

@Suite("the master's authorisation")
struct MasterAuthorizationTests {
    static func harness() -> MasterHarness {
        MasterHarness {
            $0.acls = MesosACLs(
                permissive: true,
                rules: [
                    .registerFrameworks: [
                        .init(principals: .some(["analytics"]), object: .some(["analytics"])),
                        .init(principals: .none, object: .some(["analytics"])),
                    ],
                    .runTasks: [.init(principals: .none, object: .some(["root"]))],
                    .viewTasks: [
                        .init(principals: .some(["ops"]), object: .any),
                        .init(principals: .none, object: .some(["secret"])),
                    ],
                ])
        }
    }

    @Test("register_frameworks: a principal not allowed a role is refused with 403 naming both")
    func registration() {
        var harness = Self.harness()
        let call = { (principal: String) in
            Mesos.SchedulerCall(
                type: .subscribe,
                subscribe: .init(
                    frameworkInfo: Mesos.FrameworkInfo(
                        user: "u", name: "n", roles: ["analytics"], principal: principal,
                        capabilities: [.init(type: .multiRole)])))
        }
        guard case .rejected(403, let message) = harness.step(.schedulerSubscribe(call("intruder"), stream: "s1"))
        else {
            Issue.record("expected a 403")
            return
        }
        #expect(message.contains("'intruder'") && message.contains("'analytics'"))
        #expect(harness.step(.schedulerSubscribe(call("analytics"), stream: "s2")) == .streaming)
    }

    @Test("run_tasks: a task whose user is forbidden gets TASK_ERROR with REASON_TASK_UNAUTHORIZED; others run")
    func launch() {
        var harness = Self.harness()
        let framework = harness.subscribe("f", info: Mesos.FrameworkInfo(user: "root", name: "f", principal: "p"))
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        var offers = harness.takeOffers("f")
        harness.call(
            "f", framework,
            MasterHarness.accept(offers, [MasterHarness.commandTask("as-root", on: agent, "cpus:1;mem:128")], refuse: 0)
        )
        let refused = harness.takeUpdates("f")
        #expect(refused.map(\.state) == [.error])
        #expect(refused.first?.reason == .taskUnauthorized)
        #expect(refused.first?.message?.contains("'root'") == true)
        #expect(harness.takeAgentEvents("a").allSatisfy { $0.type != .runTask })
        harness.advance(0)
        offers = harness.takeOffers("f")
        var task = MasterHarness.commandTask("as-guest", on: agent, "cpus:1;mem:128")
        task.command?.user = "guest"
        harness.call("f", framework, MasterHarness.accept(offers, [task], refuse: 0))
        #expect(harness.takeUpdates("f").isEmpty)
        #expect(harness.master.frameworks[framework]?.tasks["as-guest"] != nil)
    }

    @Test("view_tasks: the master as a principal sees it leaves out the tasks it may not view")
    func views() {
        var harness = Self.harness()
        let framework = harness.subscribe("f", info: Mesos.FrameworkInfo(user: "secret", name: "f"))
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        harness.call(
            "f", framework,
            MasterHarness.accept(harness.takeOffers("f"), [MasterHarness.commandTask("t", on: agent, "cpus:1;mem:128")])
        )
        #expect(harness.master.visible(to: "ops").frameworks[framework]?.tasks.count == 1)
        #expect(harness.master.visible(to: "bob").frameworks[framework]?.tasks.isEmpty == true)
        #expect(harness.master.visible(to: nil).frameworks[framework] != nil)
    }

    @Test(
        "the operator stream shows a principal only the task events the views would: TASK_ADDED and TASK_UPDATED of hidden tasks are left out"
    )
    func streamEvents() {
        var harness = Self.harness()
        let framework = harness.subscribe("f", info: Mesos.FrameworkInfo(user: "secret", name: "f"))
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        harness.published = []
        harness.call(
            "f", framework,
            MasterHarness.accept(harness.takeOffers("f"), [MasterHarness.commandTask("t", on: agent, "cpus:1;mem:128")])
        )
        let added = harness.published.filter { $0.type == .taskAdded }
        #expect(added.count == 1)
        #expect(added.allSatisfy { harness.master.shows($0, to: "ops") })
        #expect(added.allSatisfy { !harness.master.shows($0, to: "bob") })
        let framework0 = harness.published.first { $0.type == .frameworkAdded || $0.type == .frameworkUpdated }
        if let framework0 { #expect(harness.master.shows(framework0, to: "bob")) }
        harness.update("a", agent, framework: framework, task: "t", .running, uuid: 1)
        let updated = harness.published.filter { $0.type == .taskUpdated }
        #expect(!updated.isEmpty)
        #expect(updated.allSatisfy { harness.master.shows($0, to: "ops") && !harness.master.shows($0, to: "bob") })
        let heartbeat = Mesos.OperatorEvent(type: .heartbeat)
        #expect(harness.master.shows(heartbeat, to: "bob"))
        #expect(MasterHarness().master.shows(added[0], to: "bob"), "without view ACLs every event is shown")
    }
}

@Suite("the operator's TEARDOWN")
struct OperatorTeardownTests {
    @Test("removes the framework; its id cannot subscribe again (Mesos: 'Framework has been removed')")
    func teardown() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        #expect(
            harness.step(.operatorTeardown(Mesos.FrameworkID(value: "nope")))
                == .rejected(status: 400, message: "No framework found with specified ID"))
        #expect(harness.step(.operatorTeardown(framework)) == .accepted)
        #expect(harness.master.frameworks[framework] == nil)
        var info = Mesos.FrameworkInfo(user: "test", name: "f")
        info.id = framework
        let again = Mesos.SchedulerCall(frameworkID: framework, type: .subscribe, subscribe: .init(frameworkInfo: info))
        #expect(
            harness.step(.schedulerSubscribe(again, stream: "f2"))
                == .rejected(status: 403, message: "Framework has been removed"))
    }
}

@Suite("a framework's identity on failover")
struct FrameworkTakeoverTests {
    @Test("subscribing with a framework's id under another principal or user is refused; the same one fails over")
    func takeover() {
        var harness = MasterHarness()
        var info = Mesos.FrameworkInfo(user: "alice", name: "f", principal: "alice")
        let framework = harness.subscribe("f", info: info)
        info.id = framework
        let call = { (info: Mesos.FrameworkInfo) in
            Mesos.SchedulerCall(frameworkID: framework, type: .subscribe, subscribe: .init(frameworkInfo: info))
        }
        var intruder = info
        intruder.principal = "bob"
        guard case .rejected(403, _) = harness.step(.schedulerSubscribe(call(intruder), stream: "bob")) else {
            Issue.record("another principal took the framework over")
            return
        }
        var otherUser = info
        otherUser.user = "root"
        guard case .rejected(403, _) = harness.step(.schedulerSubscribe(call(otherUser), stream: "root")) else {
            Issue.record("the framework's user changed")
            return
        }
        #expect(harness.step(.schedulerSubscribe(call(info), stream: "f2")) == .streaming)
    }
}

@Suite("run_tasks covers the executor")
struct ExecutorUserAuthorizationTests {
    @Test("a task group whose custom executor runs as a forbidden user is refused, though its tasks' user is allowed")
    func executorUser() {
        var harness = MasterHarness {
            $0.acls = MesosACLs(rules: [.runTasks: [.init(principals: .none, object: .some(["alice"]))]])
        }
        let framework = harness.subscribe("f", info: Mesos.FrameworkInfo(user: "nobody", name: "f", principal: "p"))
        let agent = harness.register("a", "cpus:2;mem:512")
        harness.advance(0)
        let offers = harness.takeOffers("f")
        var executor = Mesos.ExecutorInfo(executorID: Mesos.ExecutorID(value: "E"))
        executor.command = Mesos.CommandInfo(value: "run-executor", user: "alice")
        executor.frameworkID = framework
        var task = MasterHarness.commandTask("grouped", on: agent, "cpus:1;mem:128")
        task.command?.user = "nobody"
        let call = Mesos.SchedulerCall(
            type: .accept,
            accept: .init(
                offerIDs: offers.map(\.id),
                operations: [
                    .init(type: .launchGroup, launchGroup: .init(executor: executor, taskGroup: .init(tasks: [task])))
                ]))
        harness.call("f", framework, call)
        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.state) == [.error])
        #expect(updates.first?.reason == .taskUnauthorized)
        #expect(updates.first?.message?.contains("'alice'") == true)
    }
}
