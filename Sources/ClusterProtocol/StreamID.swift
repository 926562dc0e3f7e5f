/// One subscription stream of a scheduler, an agent or an executor, named by the edge when the stream
/// opens (for schedulers this is the `Mesos-Stream-Id` header). The master answers calls
/// only from the stream its framework or agent holds now.
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}
