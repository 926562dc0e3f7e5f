import Testing

@testable import AppsServer

/// Marathon's label selector for `GET /v2/apps?label=`.
@Suite struct LabelSelectorTests {
    let web = ["tier": "web", "env": "prod"]

    @Test("==, !=, presence, in and notin; every term must hold")
    func terms() throws {
        #expect(try LabelSelector(parsing: "tier==web").matches(web))
        #expect(try !LabelSelector(parsing: "tier==db").matches(web))
        #expect(try LabelSelector(parsing: "tier!=db").matches(web))
        #expect(try LabelSelector(parsing: "env").matches(web))
        #expect(try !LabelSelector(parsing: "owner").matches(web))
        #expect(try LabelSelector(parsing: "env in (prod, staging)").matches(web))
        #expect(try !LabelSelector(parsing: "env notin (prod,staging)").matches(web))
        #expect(try LabelSelector(parsing: "tier==web, env in (prod,dev)").matches(web))
        #expect(try !LabelSelector(parsing: "tier==web,env==dev").matches(web))
    }

    @Test("a selector that does not read is a 400 naming the term")
    func refused() {
        #expect(throws: MarathonError.self) { try LabelSelector(parsing: "env in prod") }
        #expect(throws: MarathonError.self) { try LabelSelector(parsing: "a b") }
    }
}
