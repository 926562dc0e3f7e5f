import AppsCore
import ClusterProtocol
import Testing

/// An app's role (Marathon 1.9+): the framework's, or its top-level group's; its tasks use
/// only offers allocated to it, and the framework subscribes with every role in use.
@Suite struct AppRoleTests {
    @Test("an app may run as the framework's role or its top-level group's when subscribed with it, nothing else")
    func allowedRoles() {
        var harness = AppsHarness { $0.groupRoles = ["prod"] }
        harness.subscribe()
        guard case .deployment = harness.create(AppsHarness.app("/prod/web") { $0.role = "prod" }) else {
            Issue.record("the top-level group's role is allowed")
            return
        }
        guard case .invalid(let problems) = harness.create(AppsHarness.app("/dev/web") { $0.role = "prod" }) else {
            Issue.record("another group's role is refused")
            return
        }
        #expect(problems.map(\.path) == ["/role"])
        #expect(problems.first?.errors.first?.contains("Allowed roles: *") == true)
        guard case .invalid(let notSubscribed) = harness.create(AppsHarness.app("/qa/web") { $0.role = "qa" }) else {
            Issue.record("a group's role the framework does not subscribe with is refused")
            return
        }
        #expect(notSubscribed.first?.errors.first?.contains("start Apps with --roles qa") == true)
        #expect(harness.scheduler.subscribedRoles == ["*", "prod"])
    }

    @Test("an offer allocated to one role launches only that role's apps; the others record UnfulfilledRole")
    func offersByRole() throws {
        var harness = AppsHarness { $0.groupRoles = ["prod"] }
        harness.addAgent("a1")
        harness.subscribe()
        _ = harness.create(AppsHarness.app("/prod/web") { $0.role = "prod" })
        _ = harness.create(AppsHarness.app("/plain"))
        let agent = harness.agents["a1"]!
        var offer = Mesos.Offer(
            id: "o-prod", frameworkID: "fw", agentID: "a1", hostname: agent.hostname, resources: agent.free)
        offer.allocationInfo = .init(role: "prod")
        harness.step(.offers([offer]))
        let launched = harness.calls.filter { $0.type == .accept }.flatMap { $0.accept!.operations }
            .flatMap { $0.launch?.taskInfos ?? [] }
        #expect(launched.map(\.name) == ["web.prod"])
        #expect(launched.first?.resources.allSatisfy { $0.allocationInfo?.role == "prod" } == true)
        #expect(harness.scheduler.offerStats[AppID("/plain")]?.declinedBy[.unfulfilledRole] == 1)
    }
}
