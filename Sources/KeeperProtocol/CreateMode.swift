/// The kinds of znode, as the `flags` of a create request encode them (`CreateMode`).
public enum CreateMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case ephemeral = 1
    case persistentSequential = 2
    case ephemeralSequential = 3
    case container = 4
    case persistentWithTTL = 5
    case persistentSequentialWithTTL = 6

    public init(ephemeral: Bool = false, sequential: Bool = false, container: Bool = false, ttl: Bool = false) {
        switch (ephemeral, sequential, container, ttl) {
        case (_, _, true, _): self = .container
        case (_, false, _, true): self = .persistentWithTTL
        case (_, true, _, true): self = .persistentSequentialWithTTL
        case (true, false, _, _): self = .ephemeral
        case (true, true, _, _): self = .ephemeralSequential
        case (false, true, _, _): self = .persistentSequential
        case (false, false, _, _): self = .persistent
        }
    }

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    public var isContainer: Bool { self == .container }
    public var isTTL: Bool { self == .persistentWithTTL || self == .persistentSequentialWithTTL }
}
