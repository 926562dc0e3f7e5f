import AppsCore
import ClusterProtocol
import Testing

@Suite struct AppsSchedulerTests {
    @Test func createdAppLaunchesItsInstancesOnOffersAndItsDeploymentSucceeds() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        guard case .deployment(let id, _, let created) = h.create(AppsHarness.app("/web", instances: 3)) else {
            Issue.record("no deployment")
            return
        }
        #expect(created)
        #expect(h.scheduler.deployments[id] != nil)
        h.offerAll()
        #expect(h.tasks(of: "/web").count == 3)
        #expect(h.tasks(of: "/web").allSatisfy { $0.isRunning })
        #expect(h.scheduler.deployments.isEmpty)
        #expect(h.events.contains { if case .deploymentSuccess = $0 { true } else { false } })
        // Tasks are stored before the ACCEPT that launches them goes out.
        let firstPut = h.stored.firstIndex { if case .putTask = $0 { true } else { false } }
        #expect(firstPut != nil)
        // Host ports come from the offer, one per port definition; the service port from 10000.
        let task = h.tasks(of: "/web")[0]
        #expect(task.hostPorts.count == 1 && (31000...31099).contains(task.hostPorts[0]))
        #expect(h.scheduler.apps[AppID("/web")]!.portDefinitions[0].port == 10000)
    }

    @Test func launchedTaskCarriesMarathonsEnvironment() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(
            AppsHarness.app("/prod/web") {
                $0.env = ["A": "1"]
                $0.labels = ["tier": "front"]
            })
        h.offerAll(runLaunched: false)
        let info = h.calls.first { $0.type == .accept }!.accept!.operations[0].launch!.taskInfos[0]
        let env = Dictionary(
            uniqueKeysWithValues: info.command!.environment!.variables.map { ($0.name, $0.value ?? "") })
        #expect(info.taskID.value.hasPrefix("prod_web."))
        #expect(env["A"] == "1")
        #expect(env["MARATHON_APP_ID"] == "/prod/web")
        #expect(env["HOST"] == "host-a1")
        #expect(env["PORT0"] == env["PORT"] && env["PORTS"] == env["PORT0"] && env["PORT_10000"] == env["PORT0"])
        #expect(env["PORT_DEFAULT"] == env["PORT0"])
        #expect(env["MARATHON_APP_LABEL_TIER"] == "front")
        #expect(env["MESOS_TASK_ID"] == info.taskID.value)
    }

    @Test func failedTaskIsReplacedAfterTheLaunchBackOffGrowingByTheFactor() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(
            AppsHarness.app("/w") {
                $0.backoffSeconds = 2
                $0.backoffFactor = 2
                $0.maxLaunchDelaySeconds = 5
            })
        h.offerAll()
        let first = h.tasks(of: "/w")[0].id
        h.update(first, .failed)
        #expect(h.tasks(of: "/w").isEmpty)
        #expect(h.scheduler.delays[AppID("/w")]?.current == 2000)
        h.offerAll()
        #expect(h.tasks(of: "/w").isEmpty, "launched during the back-off")
        h.advance(2000)
        h.offerAll()
        let second = h.tasks(of: "/w")[0].id
        #expect(second != first)
        h.update(second, .failed)
        #expect(h.scheduler.delays[AppID("/w")]?.current == 4000)
        h.advance(4000)
        h.offerAll()
        h.update(h.tasks(of: "/w")[0].id, .finished)
        #expect(h.scheduler.delays[AppID("/w")]?.current == 5000, "capped at maxLaunchDelaySeconds")
        #expect(h.scheduler.lastTaskFailures[AppID("/w")]?.state == .finished)
        #expect(h.step(.request(.resetDelay(AppID("/w")))) == .done)
        h.offerAll()
        #expect(h.tasks(of: "/w").count == 1)
    }

    @Test func killedByAppsIsNotAFailureAndScalingDownKillsTheYoungest() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 3))
        h.offerAll()
        let before = h.tasks(of: "/w")
        h.advance(10)
        var update = AppUpdate()
        update.instances = 1
        let mark = h.calls.count
        guard case .deployment = h.step(.request(.update(AppID("/w"), update, force: false))) else {
            Issue.record("no deployment")
            return
        }
        let killed = h.calls[mark...].filter { $0.type == .kill }.map { $0.kill!.taskID.value }
        #expect(killed.count == 2)
        #expect(before.map(\.id) == ["w.t1-1", "w.t1-2", "w.t1-3"])
        h.carryOutKills(since: mark)
        #expect(h.tasks(of: "/w").map(\.id) == ["w.t1-1"], "YOUNGEST_FIRST kept the oldest")
        #expect(h.scheduler.delays[AppID("/w")] == nil)
        #expect(h.scheduler.deployments.isEmpty)
    }

    @Test func secondChangeDuringADeploymentIsRefusedUnlessForced() {
        var h = AppsHarness()
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 2))
        var update = AppUpdate()
        update.cmd = "sleep 5"
        guard case .conflict(_, let blocking) = h.step(.request(.update(AppID("/w"), update, force: false))) else {
            Issue.record("expected 409")
            return
        }
        #expect(blocking.count == 1)
        guard case .deployment = h.step(.request(.update(AppID("/w"), update, force: true))) else {
            Issue.record("force refused")
            return
        }
        #expect(h.scheduler.deployments.count == 1)
        #expect(h.scheduler.apps[AppID("/w")]?.cmd == "sleep 5")
    }

    @Test func invalidAppsAreRefusedWithFieldPathsAndChangeNothing() {
        var h = AppsHarness()
        let bad = AppsHarness.app("/Bad_Id", instances: -1) {
            $0.constraints = [[.init("hostname"), .init("NEAR")]]
        }
        guard case .invalid(let problems) = h.create(bad) else {
            Issue.record("expected 422")
            return
        }
        let paths = Set(problems.map(\.path))
        #expect(paths.isSuperset(of: ["/id", "/instances", "/constraints(0)"]))
        #expect(h.scheduler.apps.isEmpty && h.stored.isEmpty)
    }

    @Test func rollingRestartNeverDropsBelowMinimumHealthCapacity() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 100, mem: 100_000)
        h.subscribe()
        _ = h.create(
            AppsHarness.app("/w", instances: 4) {
                $0.upgradeStrategy = UpgradeStrategy(minimumHealthCapacity: 0.5, maximumOverCapacity: 0)
            })
        h.offerAll()
        #expect(h.tasks(of: "/w").count == 4)
        var update = AppUpdate()
        update.cmd = "sleep 2000"
        var mark = h.calls.count
        _ = h.step(.request(.update(AppID("/w"), update, force: false)))
        let config = h.scheduler.apps[AppID("/w")]!.lastConfigChangeAt
        for _ in 0..<10 {
            // Healthy (running, not being killed) tasks never fall below 2 of 4.
            let healthy = h.tasks(of: "/w").filter { $0.isRunning && $0.kill == nil }.count
            #expect(healthy >= 2)
            h.carryOutKills(since: mark)
            mark = h.calls.count
            h.offerAll()
            if h.scheduler.deployments.isEmpty { break }
        }
        #expect(h.scheduler.deployments.isEmpty)
        #expect(h.tasks(of: "/w").count == 4)
        #expect(h.tasks(of: "/w").allSatisfy { $0.configVersion == config && $0.isRunning })
    }

    @Test func rollingRestartWaitsForNewTasksToBeHealthyBeforeKillingOld() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 100, mem: 100_000)
        h.subscribe()
        var check = HealthCheck(protocol: .http)
        check.gracePeriodSeconds = 0
        check.intervalSeconds = 2
        check.timeoutSeconds = 1
        _ = h.create(AppsHarness.app("/w", instances: 2) { $0.healthChecks = [check] })
        h.offerAll()
        h.advance(1)
        for probe in h.probes { h.step(.probed(taskID: probe.taskID, check: probe.check, result: .passed)) }
        h.probes = []
        #expect(h.scheduler.deployments.isEmpty)
        var update = AppUpdate()
        update.cmd = "sleep 2000"
        let mark = h.calls.count
        _ = h.step(.request(.update(AppID("/w"), update, force: false)))
        h.offerAll()
        #expect(h.tasks(of: "/w").count == 4, "two new beside the two old (maximumOverCapacity 1)")
        #expect(!h.calls[mark...].contains { $0.type == .kill }, "killed old before a new one was healthy")
        h.advance(1)
        let probe = h.probes.first { p in
            h.scheduler.tasks[p.taskID]!.configVersion == h.scheduler.apps[AppID("/w")]!.lastConfigChangeAt
        }!
        h.step(.probed(taskID: probe.taskID, check: probe.check, result: .passed))
        #expect(h.calls[mark...].filter { $0.type == .kill }.count == 1, "one old goes per new healthy")
    }

    @Test func failingHealthCheckKillsAndReplacesTheTask() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        var check = HealthCheck(protocol: .tcp)
        check.gracePeriodSeconds = 0
        check.intervalSeconds = 2
        check.timeoutSeconds = 1
        check.maxConsecutiveFailures = 2
        _ = h.create(AppsHarness.app("/w") { $0.healthChecks = [check] })
        h.offerAll()
        let task = h.tasks(of: "/w")[0].id
        for _ in 0..<2 {
            h.advance(2000)
            let probe = h.probes.removeLast()
            #expect(probe.taskID == task && probe.protocol == .tcp && probe.host == "host-a1")
            h.step(.probed(taskID: task, check: 0, result: .failed("connection refused")))
        }
        #expect(h.scheduler.tasks[task]?.kill == .replace)
        #expect(h.events.contains { if case .unhealthyTaskKill = $0 { true } else { false } })
        h.carryOutKills()
        h.offerAll()
        #expect(h.tasks(of: "/w").count == 1 && h.tasks(of: "/w")[0].id != task)
        #expect(h.scheduler.delays[AppID("/w")] == nil, "a health kill is not a launch failure")
    }

    @Test func uniqueHostnameConstraintPlacesOneTaskPerAgentAndQueueSaysWhy() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.addAgent("a2")
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 3) { $0.constraints = [[.init("hostname"), .init("UNIQUE")]] })
        h.offerAll()
        h.offerAll()
        #expect(Set(h.tasks(of: "/w").map(\.place.hostname)) == ["host-a1", "host-a2"])
        #expect(h.tasks(of: "/w").count == 2)
        #expect(h.scheduler.pendingLaunches[AppID("/w")] == 1)
        #expect(h.scheduler.offerStats[AppID("/w")]?.declinedBy[.unfulfilledConstraint] ?? 0 > 0)
    }

    @Test func appTooLargeForEveryOfferIsQueuedWithTheReason() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 1)
        h.subscribe()
        _ = h.create(AppsHarness.app("/big") { $0.cpus = 8 })
        h.offerAll()
        #expect(h.tasks(of: "/big").isEmpty)
        let stats = h.scheduler.offerStats[AppID("/big")]!
        #expect(stats.lastUnused.last?.reasons == [.insufficientCpus])
        #expect(h.calls.contains { $0.type == .decline })
    }

    @Test func deleteKillsEveryTaskAndAnnouncesTheAppTerminated() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 2))
        h.offerAll()
        guard case .deployment = h.step(.request(.delete(AppID("/w"), force: false))) else {
            Issue.record("no deployment")
            return
        }
        #expect(h.scheduler.apps.isEmpty)
        h.carryOutKills()
        #expect(h.tasks(of: "/w").isEmpty)
        #expect(h.scheduler.deployments.isEmpty)
        #expect(h.events.contains(.appTerminated(AppID("/w"))))
    }

    @Test func newLeaderReconcilesStoredTasksAndKillsOnesItDoesNotKnow() {
        var first = AppsHarness()
        first.addAgent("a1")
        first.subscribe()
        _ = first.create(AppsHarness.app("/w", instances: 2))
        first.offerAll()
        let state = AppsState(
            frameworkID: "fw", apps: Array(first.scheduler.apps.values), tasks: Array(first.scheduler.tasks.values),
            deployments: Array(first.scheduler.deployments.values))
        var second = AppsHarness(state: state) { $0.idPrefix = "t2" }
        second.running = first.running
        second.subscribe()
        let reconcile = second.calls.filter { $0.type == .reconcile }
        #expect(reconcile.count == 2)
        #expect(Set(reconcile[0].reconcile!.tasks.map(\.taskID.value)) == Set(first.running.keys))
        for id in first.running.keys { second.update(id, .running) }
        second.offerAll()
        #expect(!second.calls.contains { $0.type == .accept }, "relaunched tasks that were running")
        second.running["stranger.x"] = "a1"
        second.update("stranger.x", .running)
        #expect(second.calls.last { $0.type == .kill }?.kill?.taskID.value == "stranger.x")
    }

    @Test func cancelledDeploymentRollsBack() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 100, mem: 100_000)
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 1))
        h.offerAll()
        var update = AppUpdate()
        update.cmd = "sleep 2000"
        guard case .deployment(let id, _, _) = h.step(.request(.update(AppID("/w"), update, force: false))) else {
            Issue.record("no deployment")
            return
        }
        guard case .deployment(let rollback, _, _) = h.step(.request(.cancelDeployment(id, force: false))) else {
            Issue.record("no rollback")
            return
        }
        #expect(rollback != id)
        #expect(h.scheduler.apps[AppID("/w")]?.cmd == "sleep 1000")
        #expect(
            h.step(.request(.cancelDeployment("nope", force: false))) == .notFound("DeploymentPlan nope does not exist")
        )
    }

    /// Found by the simulation (seed 22): a scale forced over a rolling restart planned
    /// only a scale, and tasks of the old config ran on for good.
    @Test func forcedScaleOverARestartStillReplacesOutdatedTasks() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 100, mem: 100_000)
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 2))
        h.offerAll()
        var update = AppUpdate()
        update.cmd = "sleep 2000"
        _ = h.step(.request(.update(AppID("/w"), update, force: false)))
        var scale = AppUpdate()
        scale.instances = 3
        guard case .deployment(let id, _, _) = h.step(.request(.update(AppID("/w"), scale, force: true))) else {
            Issue.record("no deployment")
            return
        }
        #expect(h.scheduler.deployments[id]?.steps == [[Deployment.Action(.restartApplication, AppID("/w"))]])
        var mark = 0
        for _ in 0..<10 where !h.scheduler.deployments.isEmpty {
            h.carryOutKills(since: mark)
            mark = h.calls.count
            h.offerAll()
        }
        let config = h.scheduler.apps[AppID("/w")]!.lastConfigChangeAt
        #expect(h.tasks(of: "/w").count == 3)
        #expect(h.tasks(of: "/w").allSatisfy { $0.configVersion == config })
    }
}
