import AppsCore
import ClusterProtocol
import Testing

/// Findings of the review of the first AppsCore, each a test that failed before its fix.
@Suite struct AppsReviewTests {
    @Test func anUnknownTaskReportedUnreachableIsNotKilledAgainAndAgain() {
        var h = AppsHarness()
        h.subscribe()
        let before = h.calls.count
        h.step(.update(Mesos.TaskStatus(taskID: "gone.x", state: .unreachable, agentID: "a1")))
        #expect(!h.calls[before...].contains { $0.type == .kill })
        h.step(.update(Mesos.TaskStatus(taskID: "gone.x", state: .running, agentID: "a1")))
        #expect(h.calls.last { $0.type == .kill }?.kill?.taskID.value == "gone.x", "killed once heard running")
    }

    @Test func nextWakeupMovesOnDuringARestartWithHealthChecks() {
        var h = AppsHarness()
        h.addAgent("a1", cpus: 100, mem: 100_000)
        h.subscribe()
        var check = HealthCheck(protocol: .tcp)
        check.gracePeriodSeconds = 0
        check.intervalSeconds = 5
        check.timeoutSeconds = 1
        _ = h.create(AppsHarness.app("/w", instances: 2) { $0.healthChecks = [check] })
        h.offerAll()
        h.advance(1)
        for probe in h.probes { h.step(.probed(taskID: probe.taskID, check: probe.check, result: .passed)) }
        var update = AppUpdate()
        update.cmd = "sleep 2000"
        _ = h.step(.request(.update(AppID("/w"), update, force: false)))
        for _ in 0..<3 { h.advance(6000) }
        h.step(.tick)
        #expect(h.scheduler.nextWakeup > h.now, "the old config's probe deadlines kept the edge ticking")
    }

    @Test func hugeDurationsAreRefusedRatherThanOverflowing() {
        var app = AppDefinition(id: AppID("/w"))
        app.cmd = "x"
        var check = HealthCheck(protocol: .tcp)
        check.intervalSeconds = Int.max / 10
        app.healthChecks = [check]
        app.taskKillGracePeriodSeconds = Int.max
        app.unreachableStrategy = .enabled(inactiveAfterSeconds: Int.max / 2, expungeAfterSeconds: Int.max)
        let paths = Set(app.problems.map(\.path))
        #expect(
            paths.isSuperset(of: [
                "/healthChecks(0)/intervalSeconds", "/taskKillGracePeriodSeconds",
                "/unreachableStrategy/expungeAfterSeconds",
            ]))
    }

    @Test func theBackOffIsForgottenAQuietMaximumDelayAfterItRanOut() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(
            AppsHarness.app("/w") {
                $0.backoffSeconds = 1
                $0.backoffFactor = 2
                $0.maxLaunchDelaySeconds = 4
            })
        h.offerAll()
        h.update(h.tasks(of: "/w")[0].id, .failed)
        h.advance(1000)
        h.offerAll()
        h.update(h.tasks(of: "/w")[0].id, .failed)
        #expect(h.scheduler.delays[AppID("/w")]?.current == 2000)
        h.advance(2000 + 4000 + 1)
        h.offerAll()
        h.update(h.tasks(of: "/w")[0].id, .failed)
        #expect(h.scheduler.delays[AppID("/w")]?.current == 1000)
    }

    @Test func aLostTaskDoesNotSlowLaunches() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(AppsHarness.app("/w"))
        h.offerAll()
        h.update(h.tasks(of: "/w")[0].id, .lost)
        #expect(h.scheduler.delays[AppID("/w")] == nil)
    }

    @Test func killingWithScaleStoresTheAppAndItsDeploymentInOneWrite() {
        var h = AppsHarness()
        h.addAgent("a1")
        h.subscribe()
        _ = h.create(AppsHarness.app("/w", instances: 2))
        h.offerAll()
        let mark = h.stored.count
        guard
            case .deployment = h.step(
                .request(.killTasks([h.tasks(of: "/w")[0].id], scale: true, wipe: false, force: false)))
        else {
            Issue.record("no deployment")
            return
        }
        let written = Array(h.stored[mark...])
        guard case .putApp = written.first, case .putDeployment = written.dropFirst().first else {
            Issue.record("app and deployment not together: \(written)")
            return
        }
        #expect(h.scheduler.apps[AppID("/w")]?.instances == 1)
    }
}
