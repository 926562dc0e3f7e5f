import AgentCore
import ClusterProtocol
import Testing

/// COMMAND health checks of command tasks, as Mesos' command executor runs them.
@Suite("agent: health checks")
struct HealthCheckTests {
    private func checkedTask(failuresToKill: UInt32 = 2, grace: Double = 0) -> Mesos.TaskInfo {
        var task = AgentHarness.command("web", "serve")
        task.command?.environment = Mesos.Environment(variables: [.init(name: "CHECK_ME", value: "yes")])
        task.healthCheck = Mesos.HealthCheck(
            type: .command, command: Mesos.CommandInfo(value: "test -f ready"), delaySeconds: 1, intervalSeconds: 2,
            timeoutSeconds: 1, consecutiveFailures: failuresToKill, gracePeriodSeconds: grace)
        return task
    }

    private func running(_ task: Mesos.TaskInfo) throws -> (AgentHarness, Mesos.ContainerID) {
        var harness = AgentHarness()
        harness.register()
        harness.run(task)
        let container = try #require(harness.launched.first).containerID
        harness.step(.containerStarted(container, ProcessIdentity(pid: 100, startTime: 1)))
        #expect(harness.ackAll() == [.starting, .running])
        return (harness, container)
    }

    /// Every update sent, each acknowledged as it comes (the next waits for it).
    private func acknowledged(_ harness: inout AgentHarness) -> [Mesos.TaskStatus] {
        var all: [Mesos.TaskStatus] = []
        while case let updates = harness.takeUpdates(), !updates.isEmpty {
            for update in updates {
                all.append(update)
                harness.ack(update)
            }
        }
        return all
    }

    @Test(
        "the first check runs after the delay, in the task's sandbox and environment; verdicts that change are TASK_RUNNING updates with healthy; failures in a row kill the task, which ends TASK_KILLED unhealthy"
    )
    func checksReportAndKill() throws {
        var (harness, container) = try running(checkedTask())
        harness.advance(999)
        #expect(harness.healthChecks.isEmpty)
        harness.advance(1)
        let check = try #require(harness.healthChecks.first)
        #expect(check.argv == ["/bin/sh", "-c", "test -f ready"])
        #expect(check.environment["CHECK_ME"] == "yes")
        #expect(check.sandbox == harness.launched.first?.sandbox)
        #expect(check.timeout == 1000)

        harness.step(.healthChecked(container, passed: true, message: "exited with status 0"))
        var updates = acknowledged(&harness)
        #expect(updates.map(\.state) == [.running] && updates.first?.healthy == true)
        #expect(updates.first?.reason == .taskHealthCheckStatusUpdated)
        harness.advance(2000)
        harness.step(.healthChecked(container, passed: true, message: "exited with status 0"))
        #expect(acknowledged(&harness).isEmpty)  // no change, no update

        harness.advance(2000)
        harness.step(.healthChecked(container, passed: false, message: "exited with status 1"))
        updates = acknowledged(&harness)
        #expect(updates.map(\.state) == [.running] && updates.first?.healthy == false)
        #expect(harness.killed.isEmpty)
        harness.advance(2000)
        harness.step(.healthChecked(container, passed: false, message: "exited with status 1"))
        #expect(harness.killed.map(\.0) == [container])
        harness.step(.containerExited(container, ContainerExit(signal: 15)))
        let end = try #require(acknowledged(&harness).last)
        #expect(end.state == .killed && end.healthy == false)
        #expect(end.message == "Task killed after 2 health checks failed in a row")
        harness.advance(10_000)
        #expect(harness.healthChecks.count == 4)  // none after the task ended
    }

    @Test("failures within the grace period do not count until the first success")
    func gracePeriod() throws {
        var (harness, container) = try running(checkedTask(failuresToKill: 1, grace: 5))
        harness.advance(1000)
        harness.step(.healthChecked(container, passed: false, message: "not yet"))
        harness.advance(2000)
        harness.step(.healthChecked(container, passed: false, message: "not yet"))
        #expect(harness.killed.isEmpty && harness.takeUpdates().isEmpty)
        harness.advance(2000)
        harness.step(.healthChecked(container, passed: false, message: "still not"))
        #expect(harness.killed.map(\.0) == [container])
    }

    @Test("one check at a time: a check still out when the next is due is not run twice")
    func oneAtATime() throws {
        var (harness, _) = try running(checkedTask())
        harness.advance(1000)
        harness.advance(5000)
        #expect(harness.healthChecks.count == 1)
    }

    @Test("a task being killed is checked no more, and a kill that is not the checks' is not reported as theirs")
    func killStopsChecks() throws {
        var (harness, container) = try running(checkedTask())
        harness.advance(1000)
        harness.step(.healthChecked(container, passed: true, message: "exited with status 0"))
        _ = acknowledged(&harness)
        harness.step(.masterEvent(AgentEvent(type: .killTask, killTask: .init(frameworkID: "F", taskID: "web"))))
        harness.advance(10_000)
        #expect(harness.healthChecks.count == 1)
        harness.step(.containerExited(container, ContainerExit(signal: 15)))
        let end = try #require(acknowledged(&harness).last)
        #expect(end.state == .killed && end.healthy == nil)
        #expect(end.message?.contains("health") == false)
    }

    @Test("an interval of 0 still leaves a second between checks")
    func intervalFloor() throws {
        var task = checkedTask()
        task.healthCheck?.intervalSeconds = 0
        var (harness, container) = try running(task)
        harness.advance(1000)
        harness.step(.healthChecked(container, passed: true, message: "ok"))
        harness.advance(999)
        #expect(harness.healthChecks.count == 1)
        harness.advance(1)
        #expect(harness.healthChecks.count == 2)
    }
}
