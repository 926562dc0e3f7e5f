/// A port an app's task listens on. `port` is the service port (0: Apps picks one from
/// its service port range when the app is created); the host port comes from the offer,
/// the same as `port` only when the app sets `requirePorts`.
public struct PortDefinition: Sendable, Equatable, Codable {
    public var port: Int
    public var `protocol` = "tcp"
    public var name: String?
    public var labels: [String: String] = [:]

    public init(port: Int, name: String? = nil) {
        self.port = port
        self.name = name
    }

    enum CodingKeys: String, CodingKey { case port, `protocol`, name, labels }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 0
        `protocol` = try c.decodeIfPresent(String.self, forKey: .protocol) ?? "tcp"
        name = try c.decodeIfPresent(String.self, forKey: .name)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
