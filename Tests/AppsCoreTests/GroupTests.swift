import AppsCore
import Testing

/// Groups: the apps under one path created, scaled and deleted together, one deployment each.
@Suite struct GroupTests {
    private func relative(_ id: String, instances: Int = 1) -> AppUpdate { AppsHarness.app(id, instances: instances) }

    @Test("a group's apps are created together (ids relative to it), as one deployment of both")
    func createTogether() {
        var harness = AppsHarness()
        harness.subscribe()
        let reply = harness.step(
            .request(
                .changeGroup(
                    AppID("/shop"), apps: [relative("web"), relative("db")], scaleBy: nil, creating: true, force: false)
            ))
        guard case .deployment(let id, _, true) = reply else {
            Issue.record("expected one deployment creating both, got \(reply)")
            return
        }
        #expect(harness.scheduler.apps.keys.sorted() == [AppID("/shop/db"), AppID("/shop/web")])
        #expect(harness.scheduler.deployments[id]?.affectedApps == [AppID("/shop/db"), AppID("/shop/web")])
        #expect(harness.scheduler.deployments.count == 1)
        let again = harness.step(
            .request(.changeGroup(AppID("/shop"), apps: [relative("x")], scaleBy: nil, creating: true, force: true)))
        guard case .conflict = again else {
            Issue.record("POST of a group that exists is a 409")
            return
        }
    }

    @Test("one invalid app refuses the whole group (422 on its index), and nothing is stored")
    func invalidRefusesAll() {
        var harness = AppsHarness()
        harness.subscribe()
        let before = harness.stored.count
        let reply = harness.step(
            .request(
                .changeGroup(
                    AppID("/shop"), apps: [relative("web"), relative("db", instances: -1)], scaleBy: nil,
                    creating: true,
                    force: false)))
        guard case .invalid(let problems) = reply else {
            Issue.record("expected 422, got \(reply)")
            return
        }
        #expect(problems.map(\.path) == ["/apps(1)/instances"])
        #expect(harness.scheduler.apps.isEmpty && harness.stored.count == before)
    }

    @Test("scaleBy scales every app under the group; DELETE stops them all as one deployment; an empty group is a 404")
    func scaleAndDelete() {
        var harness = AppsHarness()
        harness.subscribe()
        harness.step(
            .request(
                .changeGroup(
                    AppID("/shop"), apps: [relative("web", instances: 2), relative("db", instances: 1)], scaleBy: nil,
                    creating: true, force: false)))
        harness.step(.request(.changeGroup(AppID("/shop"), apps: [], scaleBy: 1.5, creating: false, force: true)))
        #expect(harness.scheduler.apps[AppID("/shop/web")]?.instances == 3)
        #expect(harness.scheduler.apps[AppID("/shop/db")]?.instances == 2)
        let deleted = harness.step(.request(.deleteGroup(AppID("/shop"), force: true)))
        guard case .deployment(let id, _, _) = deleted else {
            Issue.record("expected a deployment, got \(deleted)")
            return
        }
        #expect(harness.scheduler.apps.isEmpty)
        // It ended at once (no task to stop); its start named both apps.
        let started = harness.events.compactMap { event -> Deployment? in
            if case .deploymentInfo(let deployment) = event, deployment.id == id { return deployment }
            return nil
        }
        #expect(started.first?.affectedApps == [AppID("/shop/db"), AppID("/shop/web")])
        #expect(
            harness.step(.request(.deleteGroup(AppID("/shop"), force: true)))
                == .notFound("Group '/shop' does not exist"))
    }

    @Test("a group's apps must lie under it, each once; scaleBy must leave valid apps")
    func groupBounds() {
        var harness = AppsHarness()
        harness.subscribe()
        var outside = relative("../other")
        outside.id = "../other"
        let reply = harness.step(
            .request(
                .changeGroup(
                    AppID("/shop"), apps: [outside, relative("web"), relative("web")], scaleBy: nil, creating: true,
                    force: false)))
        guard case .invalid(let problems) = reply else {
            Issue.record("expected 422, got \(reply)")
            return
        }
        #expect(problems.map(\.path) == ["/apps(0)/id", "/apps(2)/id"])
        harness.step(
            .request(
                .changeGroup(
                    AppID("/shop"), apps: [relative("web", instances: 1001)], scaleBy: nil, creating: true, force: false
                )))
        guard
            case .invalid(let scaled) = harness.step(
                .request(.changeGroup(AppID("/shop"), apps: [], scaleBy: 1000, creating: false, force: true)))
        else {
            Issue.record("a scale past instancesMax is a 422")
            return
        }
        #expect(scaled.map(\.path) == ["/scaleBy"])
        #expect(harness.scheduler.apps[AppID("/shop/web")]?.instances == 1001)
    }

    @Test("cancelling a group's deployment rolls every app back in one deployment")
    func cancelRollsBackTogether() {
        var harness = AppsHarness()
        harness.subscribe()
        guard
            case .deployment(let id, _, _) = harness.step(
                .request(
                    .changeGroup(
                        AppID("/shop"), apps: [relative("web"), relative("db")], scaleBy: nil, creating: true,
                        force: false)))
        else {
            Issue.record("the group should be created")
            return
        }
        guard case .deployment(let rollback, _, _) = harness.step(.request(.cancelDeployment(id, force: false))) else {
            Issue.record("cancelling should start one rollback deployment")
            return
        }
        #expect(harness.scheduler.apps.isEmpty)
        let started = harness.events.compactMap { event -> Deployment? in
            if case .deploymentInfo(let deployment) = event, deployment.id == rollback { return deployment }
            return nil
        }
        #expect(started.first?.affectedApps == [AppID("/shop/db"), AppID("/shop/web")])
    }
}
