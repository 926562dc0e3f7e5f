extension Mesos {
    /// How a task or executor is containerized. Left out: volumes, Docker settings, images,
    /// network, Linux, rlimit and TTY info.
    public struct ContainerInfo: Codable, Hashable, Sendable {
        public var type: Kind
        public var hostname: String?
        public var mesos: MesosInfo?

        public init(type: Kind, hostname: String? = nil, mesos: MesosInfo? = nil) {
            self.type = type
            self.hostname = hostname
            self.mesos = mesos
        }

        enum CodingKeys: String, CodingKey {
            case type
            case hostname
            case mesos
        }

        /// The proto's `ContainerInfo.Type`.
        public enum Kind: String, ProtoEnum {
            case docker = "DOCKER"
            case mesos = "MESOS"
        }

        /// The Mesos containerizer's settings. Left out: `image`.
        public struct MesosInfo: Codable, Hashable, Sendable {
            public init() {
            }
        }
    }
}
