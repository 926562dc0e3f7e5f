/// A containerizer failure: `message` says what failed and what to do about it.
public struct ContainerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The spec cannot be launched as given.
        case invalidSpec
        /// The process could not be started or could not join its cgroups.
        case launchFailed
        /// `containersMax` containers exist already.
        case containersMaxReached
        /// A container with this id exists already.
        case duplicateContainer
        /// No container has this id.
        case unknownContainer
        /// The requested isolation is not available here.
        case isolationUnavailable
        /// A cgroup could not be written, emptied or removed.
        case cgroup
        /// The process did not go away after SIGKILL.
        case killFailed
        /// The containerizer was shut down.
        case shutDown
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
