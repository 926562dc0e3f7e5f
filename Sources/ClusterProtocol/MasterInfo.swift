extension Mesos {
    /// The leading master, as it is written into Keeper (`json.info_NNNNNNNNNN`) and sent in
    /// SUBSCRIBED. Clients find the master by `address.ip` and `address.port`; `ip` is the IPv4
    /// address as the integer Mesos writes (the address bytes in network order read as a
    /// little-endian number).
    public struct MasterInfo: Codable, Hashable, Sendable {
        public var id: String
        public var ip: UInt32
        public var port: UInt32
        /// `master@ip:port`.
        public var pid: String?
        public var hostname: String?
        public var version: String?
        public var address: Address?
        @Repeated public var capabilities: [Capability]

        public init(
            id: String, ip: UInt32, port: UInt32 = 5050, pid: String? = nil, hostname: String? = nil,
            version: String? = nil, address: Address? = nil, capabilities: [Capability] = []
        ) {
            self.id = id
            self.ip = ip
            self.port = port
            self.pid = pid
            self.hostname = hostname
            self.version = version
            self.address = address
            self.capabilities = capabilities
        }

        enum CodingKeys: String, CodingKey {
            case id
            case ip
            case port
            case pid
            case hostname
            case version
            case address
            case capabilities
        }

        public struct Capability: Codable, Hashable, Sendable {
            public var type: Kind?

            public init(type: Kind? = nil) {
                self.type = type
            }

            enum CodingKeys: String, CodingKey {
                case type
            }

            /// The proto's `MasterInfo.Capability.Type`.
            public enum Kind: String, ProtoEnum {
                case unknown = "UNKNOWN"
                case agentUpdate = "AGENT_UPDATE"
                case agentDraining = "AGENT_DRAINING"
                case quotaV2 = "QUOTA_V2"
            }
        }
    }
}

extension Mesos.MasterInfo {
    /// The integer Mesos writes as `ip` for a dotted IPv4 address: its four bytes in network
    /// order read as a little-endian UInt32 (`127.0.0.1` is 16777343). Nil for anything but
    /// four decimal parts in 0...255.
    public static func packedIP(_ address: String) -> UInt32? {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var packed: UInt32 = 0
        for (index, part) in parts.enumerated() {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let byte = UInt8(part)
            else { return nil }
            packed |= UInt32(byte) << UInt32(8 * index)
        }
        return packed
    }
}
