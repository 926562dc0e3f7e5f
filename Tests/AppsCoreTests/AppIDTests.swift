import AppsCore
import Testing

@Suite struct AppIDTests {
    @Test func absoluteRelativeAndDoubledSlashesResolve() {
        #expect(AppID("/prod/web").description == "/prod/web")
        #expect(AppID("//web").description == "/web")
        #expect(AppID("web", relativeTo: AppID("/prod")).description == "/prod/web")
        #expect(AppID("../db", relativeTo: AppID("/prod/web")).description == "/prod/db")
        #expect(AppID("./a/./b/").description == "/a/b")
    }

    @Test func segmentsFollowMarathonsPattern() {
        for good in ["a", "a1", "my-app", "a.b", "0"] { #expect(AppID.isValidSegment(good), "\(good)") }
        for bad in ["", "A", "-a", "a-", "a..b", "a_b", "a b", ".a"] { #expect(!AppID.isValidSegment(bad), "\(bad)") }
    }

    @Test func taskPrefixRoundTrips() {
        let id = AppID("/prod/web")
        #expect(id.taskPrefix == "prod_web")
        #expect(AppID(taskPrefix: "prod_web") == id)
    }
}
