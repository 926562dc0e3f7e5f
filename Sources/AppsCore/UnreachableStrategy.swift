/// What happens to a task on an agent that became unreachable: after
/// `inactiveAfterSeconds` a replacement starts; after `expungeAfterSeconds` the task is
/// forgotten (and killed should its agent come back). Disabled: the task is replaced at
/// once and killed if it comes back, as before Mesos knew partitions.
public enum UnreachableStrategy: Sendable, Equatable {
    case enabled(inactiveAfterSeconds: Int, expungeAfterSeconds: Int)
    case disabled

    /// Marathon's default for an app that does not say.
    public static let standard = UnreachableStrategy.enabled(inactiveAfterSeconds: 0, expungeAfterSeconds: 0)
}

extension UnreachableStrategy: Codable {
    enum CodingKeys: String, CodingKey { case inactiveAfterSeconds, expungeAfterSeconds }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "disabled" else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expected \"disabled\" or an object"))
            }
            self = .disabled
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = .enabled(
            inactiveAfterSeconds: try c.decodeIfPresent(Int.self, forKey: .inactiveAfterSeconds) ?? 0,
            expungeAfterSeconds: try c.decodeIfPresent(Int.self, forKey: .expungeAfterSeconds) ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .disabled:
            var c = encoder.singleValueContainer()
            try c.encode("disabled")
        case .enabled(let inactive, let expunge):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(inactive, forKey: .inactiveAfterSeconds)
            try c.encode(expunge, forKey: .expungeAfterSeconds)
        }
    }
}
