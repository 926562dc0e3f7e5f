import AppsCore
import Testing

@Suite struct ConstraintTests {
    private func constraint(_ tokens: String...) -> Constraint {
        guard case .success(let constraint) = Constraint.parse(tokens) else { fatalError("invalid \(tokens)") }
        return constraint
    }

    private let a = AgentPlace(hostname: "a", attributes: ["rack": "r1", "zone": "us-east-1"])
    private let b = AgentPlace(hostname: "b", attributes: ["rack": "r2", "zone": "eu-west-1"])
    private let c = AgentPlace(hostname: "c", attributes: [:])

    @Test func operatorsPlaceAsMarathonDocuments() {
        #expect(constraint("hostname", "UNIQUE").allows(b, besides: [a]))
        #expect(!constraint("hostname", "UNIQUE").allows(a, besides: [a]))
        #expect(constraint("rack", "CLUSTER", "r1").allows(a, besides: []))
        #expect(!constraint("rack", "CLUSTER", "r1").allows(b, besides: []))
        #expect(!constraint("rack", "CLUSTER").allows(b, besides: [a]), "without a value: the first task's")
        #expect(constraint("rack", "GROUP_BY").allows(b, besides: [a]))
        #expect(constraint("rack", "GROUP_BY").allows(a, besides: [a]), "r1 is the smallest group known")
        #expect(!constraint("rack", "GROUP_BY").allows(a, besides: [a, a, b]))
        #expect(!constraint("rack", "GROUP_BY", "2").allows(a, besides: [a]), "a second group must start first")
        #expect(constraint("zone", "LIKE", "us-.*").allows(a, besides: []))
        #expect(!constraint("zone", "LIKE", "us-.*").allows(b, besides: []))
        #expect(constraint("zone", "UNLIKE", "us-.*").allows(b, besides: []))
        #expect(constraint("zone", "UNLIKE", "us-.*").allows(c, besides: []), "a missing attribute passes UNLIKE only")
        #expect(!constraint("zone", "LIKE", ".*").allows(c, besides: []))
        #expect(constraint("rack", "MAX_PER", "2").allows(a, besides: [a]))
        #expect(!constraint("rack", "MAX_PER", "2").allows(a, besides: [a, a]))
        #expect(constraint("rack", "IS", "r2").allows(b, besides: []))
        #expect(!constraint("rack", "IS", "r2").allows(a, besides: []))
    }

    @Test func invalidConstraintsSayWhy() {
        let cases: [([String], String)] = [
            (["hostname"], "Each constraint must have either 2 or 3 fields"),
            (["hostname", "NEAR"], "operator must be one of the following"),
            (["hostname", "UNIQUE", "x"], "UNIQUE does not accept a value"),
            (["rack", "MAX_PER"], "MAX_PER requires an integer value"),
            (["rack", "GROUP_BY", "x"], "GROUP BY must define an integer value"),
            (["rack", "LIKE"], "LIKE and UNLIKE require"),
            (["rack", "LIKE", "(["], "is not a valid regular expression"),
            (["rack", "IS"], "IS only supports"),
        ]
        for (tokens, message) in cases {
            guard case .failure(let problem) = Constraint.parse(tokens) else {
                Issue.record("\(tokens) accepted")
                continue
            }
            #expect(problem.message.contains(message), "\(tokens): \(problem.message)")
        }
    }
}
