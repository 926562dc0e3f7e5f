import AppsCore
import Testing

/// Permissions by path, and the state a user is shown.
@Suite("Apps access by path")
struct AppsAccessTests {
    let dev = AppsAccess(
        user: "ernie",
        permissions: [
            AppsPermission([.create, .view], on: AppID("/dev")), AppsPermission([.view], on: AppID("/shared/db")),
        ])

    @Test("a permission covers its path and what is under it, segment by segment")
    func coversBySegments() {
        #expect(dev.allows(.create, AppID("/dev/web")))
        #expect(dev.allows(.create, AppID("/dev")))
        #expect(dev.allows(.view, AppID("/dev/a/b/c")))
        #expect(!dev.allows(.create, AppID("/devops/web")))
        #expect(!dev.allows(.update, AppID("/dev/web")))
        #expect(!dev.allows(.view, AppID("/shared/cache")))
        #expect(!dev.allows(.view, .root))
        #expect(dev.seesPart(of: .root))
        #expect(dev.seesPart(of: AppID("/shared")))
        #expect(!dev.seesPart(of: AppID("/prod")))
        #expect(!dev.isUnrestricted)
        #expect(AppsAccess.unrestricted.allows(.delete, AppID("/anything")))
        #expect(AppsAccess(user: "none", permissions: []).allows(.view, AppID("/x")) == false)
        let everything = AppsAccess(
            user: "ops", permissions: [AppsPermission(Set(AppsPermission.Operation.allCases), on: .root)])
        #expect(everything.isUnrestricted)
    }

    @Test("the restricted state holds only the apps the user may view, their tasks and deployments")
    func restrictedState() {
        var harness = AppsHarness()
        harness.subscribe()
        harness.addAgent("a1")
        _ = harness.create(AppsHarness.app("/dev/web"))
        _ = harness.create(AppsHarness.app("/prod/api"))
        let deploying = harness.scheduler.restricted(to: dev)
        #expect(harness.scheduler.deployments.count == 2)
        #expect(deploying.deployments.values.map(\.affectedApps) == [[AppID("/dev/web")]])
        harness.offerAll()
        #expect(harness.scheduler.tasks.count == 2)
        let seen = harness.scheduler.restricted(to: dev)
        #expect(Set(seen.apps.keys) == [AppID("/dev/web")])
        #expect(seen.tasks.values.map(\.appID) == [AppID("/dev/web")])
        #expect(harness.scheduler.apps.count == 2)
    }

    @Test("an event is of the apps it tells of")
    func eventApps() {
        #expect(AppsEvent.appTerminated(AppID("/dev/web")).apps == [AppID("/dev/web")])
    }
}
