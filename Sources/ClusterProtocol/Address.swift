extension Mesos {
    /// Where a master or agent listens: `address.ip` and `address.port` are what clients read to find the master in
    /// its Keeper record.
    public struct Address: Codable, Hashable, Sendable {
        public var hostname: String?
        public var ip: String?
        public var port: Int32

        public init(hostname: String? = nil, ip: String? = nil, port: Int32) {
            self.hostname = hostname
            self.ip = ip
            self.port = port
        }

        enum CodingKeys: String, CodingKey {
            case hostname
            case ip
            case port
        }
    }
}
