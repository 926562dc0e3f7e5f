import AppsCore
import ClusterEdge
import Testing

@testable import AppsServer

@Suite struct AppJSONTests {
    private func decode(_ text: String) throws(MarathonError) -> AppUpdate {
        try RequestBody.decode(AppUpdate.self, from: Array(text.utf8))
    }

    @Test func storedAppReadsBackEqual() throws {
        var check = HealthCheck(protocol: .tcp)
        check.port = 9000
        var http = HealthCheck(protocol: .http)
        http.path = "/health"
        http.portIndex = 1
        var app = AppDefinition(id: AppID("/prod/web"))
        app.cmd = "python3 -m http.server $PORT0"
        app.env = ["A": "1"]
        app.instances = 3
        app.constraints = [
            Constraint(field: "hostname", operator: .unique), Constraint(field: "rack", operator: .groupBy, value: "2"),
        ]
        app.fetch = [FetchURI(uri: "http://example/x.tgz")]
        app.healthChecks = [http, check]
        app.portDefinitions = [PortDefinition(port: 10001, name: "http"), PortDefinition(port: 10002)]
        app.labels = ["tier": "front"]
        app.unreachableStrategy = .disabled
        app.killSelection = .oldestFirst
        app.acceptedResourceRoles = ["*"]
        app.taskKillGracePeriodSeconds = 5
        app.upgradeStrategy = UpgradeStrategy(minimumHealthCapacity: 0.5, maximumOverCapacity: 0.25)
        app.version = 1_700_000_000_123
        app.lastScalingAt = 1_700_000_000_123
        app.lastConfigChangeAt = 1_600_000_000_000
        let read = try StoredApp.decode(StoredApp.encode(app))
        #expect(read == app, "\(read)")
    }

    @Test func writesMarathonFieldsAndLeavesEmptyOnesOut() {
        var app = AppDefinition(id: AppID("/w"))
        app.cmd = "sleep 1"
        let json = JSONValue.object(AppJSON.definition(app))
        #expect(json["env"] == nil && json["constraints"] == nil && json["healthChecks"] == nil)
        #expect(json["labels"] == .object([]))
        #expect(json["killSelection"] == "YOUNGEST_FIRST")
        #expect(json["maxLaunchDelaySeconds"] == .int(300))
        #expect(json["version"] == "1970-01-01T00:00:00.000Z")
        #expect(json["unreachableStrategy"] == .object([("inactiveAfterSeconds", 0), ("expungeAfterSeconds", 0)]))
    }

    @Test func readOnlyFieldsAClientSendsBackAreIgnored() throws {
        let update = try decode(
            #"{"id":"/w","cmd":"sleep 1","tasks":[{"id":"x"}],"tasksRunning":1,"deployments":[{"id":"d"}],"versionInfo":{"lastScalingAt":"2020-01-01T00:00:00.000000Z"},"taskStats":{}}"#
        )
        #expect(update.cmd == "sleep 1")
    }

    @Test func wrongTypesAre422NamingThePathAndGarbageIs400() {
        do {
            _ = try decode(#"{"id":"/w","healthChecks":[{"portIndex":"zero"}]}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.status == 422)
            #expect(error.body["message"] == "Invalid JSON")
            #expect(
                error.body["details"]
                    == .array([
                        .object([("path", "/healthChecks(0)/portIndex"), ("errors", ["error.expected.jsnumber"])])
                    ]))
        }
        do {
            _ = try decode(#"{"id": "/w", "#)
            Issue.record("accepted")
        } catch {
            #expect(error.status == 400)
            #expect(error.body["message"] == "Invalid JSON")
        }
        do {
            _ = try decode("  ")
            Issue.record("accepted")
        } catch {
            #expect(error.status == 400)
        }
    }

    @Test func constraintValuesMayBeNumbersAsTheClientSendsThem() throws {
        let update = try decode(#"{"id":"/w","cmd":"x","constraints":[["rack","GROUP_BY",3]]}"#)
        let (app, problems) = AppDefinition(id: AppID("/w")).applying(update)
        #expect(problems.isEmpty)
        #expect(app.constraints == [Constraint(field: "rack", operator: .groupBy, value: "3")])
    }
}
