import AppsCore
import Testing

@Suite struct AppValidationTests {
    private func problems(_ configure: (inout AppDefinition) -> Void) -> [ValidationProblem] {
        var app = AppDefinition(id: AppID("/w"))
        app.cmd = "sleep 1"
        configure(&app)
        return app.problems
    }

    @Test func aPlainCommandAppIsValid() { #expect(problems { _ in }.isEmpty) }

    @Test func eachRuleNamesItsField() {
        #expect(problems { $0.cmd = nil }.map(\.path) == ["/"])
        #expect(problems { $0.args = ["x"] }.map(\.path) == ["/"], "cmd and args together")
        #expect(problems { $0.cpus = -1 }.map(\.path) == ["/cpus"])
        #expect(problems { $0.backoffFactor = 0.5 }.map(\.path) == ["/backoffFactor"])
        #expect(
            problems { $0.upgradeStrategy.minimumHealthCapacity = 2 }.map(\.path) == [
                "/upgradeStrategy/minimumHealthCapacity"
            ])
        #expect(
            problems { $0.portDefinitions = [PortDefinition(port: 80), PortDefinition(port: 80)] }.map(\.path) == [
                "/portDefinitions"
            ])
        #expect(problems { $0.requirePorts = true }.map(\.path) == ["/requirePorts"], "a port 0 cannot be required")
        #expect(
            problems { $0.unreachableStrategy = .enabled(inactiveAfterSeconds: 10, expungeAfterSeconds: 5) }.map(\.path)
                == ["/unreachableStrategy"])
    }

    @Test func healthChecksAppsCannotRunAreRefusedRatherThanNeverPassing() {
        var check = HealthCheck(protocol: .command)
        check.command = "true"
        #expect(problems { $0.healthChecks = [check] }.isEmpty, "the agent runs a COMMAND check")
        var slow = check
        slow.gracePeriodSeconds = 100_000
        #expect(
            problems { $0.healthChecks = [slow] }.map(\.path) == ["/healthChecks(0)/gracePeriodSeconds"],
            "the agent takes a COMMAND check's timings within a day")
        #expect(
            problems { $0.healthChecks = [check, check] }.map(\.path) == ["/healthChecks(1)"],
            "the agent runs one check per task")
        #expect(
            problems { $0.healthChecks = [HealthCheck(protocol: .https).normalized] }.map(\.path) == [
                "/healthChecks(0)/protocol"
            ])
        var wrongPort = HealthCheck(protocol: .tcp)
        wrongPort.portIndex = 3
        #expect(problems { $0.healthChecks = [wrongPort] }.map(\.path) == ["/healthChecks(0)"])
        #expect(problems { $0.healthChecks = [HealthCheck(protocol: .http).normalized] }.isEmpty)
    }
}
