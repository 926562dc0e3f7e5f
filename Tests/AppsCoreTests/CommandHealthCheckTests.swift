import AppsCore
import ClusterProtocol
import Testing

/// Marathon's COMMAND health checks: run by the agent (Mesos' `TaskInfo.health_check`),
/// their verdict arriving as the status update's `healthy`.
@Suite struct CommandHealthCheckTests {
    private func commandChecked(maxFailures: Int = 3) -> AppUpdate {
        AppsHarness.app("/web", instances: 2) { app in
            var check = HealthCheck(protocol: .command)
            check.command = "curl -f localhost:$PORT0"
            check.gracePeriodSeconds = 30
            check.intervalSeconds = 5
            check.timeoutSeconds = 2
            check.delaySeconds = 1
            check.maxConsecutiveFailures = maxFailures
            app.healthChecks = [check]
        }
    }

    @Test("the launched task carries the check for the agent, in the task's environment, with Marathon's settings")
    func launchedWithTheCheck() throws {
        var harness = AppsHarness()
        harness.addAgent("a1")
        harness.subscribe()
        #expect(harness.create(commandChecked()) != .none)
        harness.offerAll()
        let task = try #require(
            harness.calls.first { $0.type == .accept }?.accept?.operations.first?.launch?.taskInfos.first)
        let check = try #require(task.healthCheck)
        #expect(check.type == .command)
        #expect(check.command?.value == "curl -f localhost:$PORT0" && check.command?.isShell == true)
        #expect(check.command?.environment == task.command?.environment)
        #expect(check.delaySeconds == 1 && check.intervalSeconds == 5 && check.timeoutSeconds == 2)
        #expect(check.gracePeriodSeconds == 30 && check.consecutiveFailures == 3)
        #expect(harness.probes.isEmpty, "Apps probes no COMMAND check itself")
    }

    @Test("maxConsecutiveFailures 0 (never kill) is a count the agent never reaches")
    func neverKill() throws {
        var harness = AppsHarness()
        harness.addAgent("a1")
        harness.subscribe()
        _ = harness.create(commandChecked(maxFailures: 0))
        harness.offerAll()
        let task = try #require(
            harness.calls.first { $0.type == .accept }?.accept?.operations.first?.launch?.taskInfos.first)
        #expect(task.healthCheck?.consecutiveFailures == UInt32.max)
    }

    @Test("a task counts healthy once the agent says so, and not after it says otherwise")
    func healthFromTheAgent() {
        var harness = AppsHarness()
        harness.addAgent("a1")
        harness.subscribe()
        _ = harness.create(commandChecked())
        harness.offerAll()
        let ids = harness.tasks(of: "/web").map(\.id)
        let app = harness.scheduler.apps[AppID("/web")]!
        #expect(ids.allSatisfy { !harness.scheduler.isReady(harness.scheduler.tasks[$0]!, of: app) })
        for id in ids { harness.update(id, .running, healthy: true) }
        #expect(ids.allSatisfy { harness.scheduler.isReady(harness.scheduler.tasks[$0]!, of: app) })
        harness.update(ids[0], .running, healthy: false)
        #expect(!harness.scheduler.isReady(harness.scheduler.tasks[ids[0]]!, of: app))
    }
}
