/// A placement rule on an app's tasks (Marathon's constraints): `["hostname", "UNIQUE"]`,
/// `["rack", "GROUP_BY", "3"]`, `["zone", "LIKE", "us-east-.*"]`. The field is
/// `hostname` or the name of an agent attribute.
public struct Constraint: Sendable, Equatable {
    public var field: String
    public var `operator`: Operator
    public var value: String?

    public init(field: String, operator: Operator, value: String? = nil) {
        self.field = field
        self.operator = `operator`
        self.value = value
    }

    public enum Operator: String, Sendable, CaseIterable {
        case unique = "UNIQUE"
        case cluster = "CLUSTER"
        case groupBy = "GROUP_BY"
        case like = "LIKE"
        case unlike = "UNLIKE"
        case maxPer = "MAX_PER"
        case `is` = "IS"
    }

    /// As the API writes it: `[field, operator]` or `[field, operator, value]`.
    public var tokens: [String] { [field, `operator`.rawValue] + (value.map { [$0] } ?? []) }

    /// Reads `[field, operator, value?]`; nil with the reason when it is not one.
    public static func parse(_ tokens: [String]) -> Result<Constraint, ConstraintProblem> {
        guard tokens.count == 2 || tokens.count == 3 else {
            return .failure(ConstraintProblem("Each constraint must have either 2 or 3 fields"))
        }
        guard !tokens[0].isEmpty else { return .failure(ConstraintProblem("Missing field and operator")) }
        guard let op = Operator(rawValue: tokens[1]) else {
            return .failure(
                ConstraintProblem(
                    "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"))
        }
        let constraint = Constraint(field: tokens[0], operator: op, value: tokens.count == 3 ? tokens[2] : nil)
        if let problem = constraint.valueProblem { return .failure(problem) }
        return .success(constraint)
    }

    /// What is wrong with the value for this operator, if anything.
    private var valueProblem: ConstraintProblem? {
        switch `operator` {
        case .unique:
            return value == nil ? nil : ConstraintProblem("UNIQUE does not accept a value")
        case .cluster:
            return nil
        case .groupBy:
            guard let value else { return nil }
            return Int(value).map { $0 > 0 } == true
                ? nil : ConstraintProblem("GROUP BY must define an integer value or else no value at all")
        case .maxPer:
            guard let value, (Int(value) ?? 0) > 0 else {
                return ConstraintProblem("MAX_PER requires an integer value")
            }
            return nil
        case .like, .unlike:
            guard let value else {
                return ConstraintProblem("LIKE and UNLIKE require a non-empty, regular expression value")
            }
            return (try? Regex(value)) == nil ? ConstraintProblem("'\(value)' is not a valid regular expression") : nil
        case .is:
            guard let value, !value.isEmpty,
                value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_/.-".contains($0)) })
            else {
                return ConstraintProblem(
                    "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)"
                )
            }
            return nil
        }
    }
}

/// Why a constraint is not valid, in Marathon's words.
public struct ConstraintProblem: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }
}
