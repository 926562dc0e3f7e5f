/// How a deployment replaces an app's tasks: it keeps at least `minimumHealthCapacity` of
/// the instances healthy and runs at most `1 + maximumOverCapacity` times the instances.
public struct UpgradeStrategy: Sendable, Equatable, Codable {
    public var minimumHealthCapacity = 1.0
    public var maximumOverCapacity = 1.0

    public init(minimumHealthCapacity: Double = 1, maximumOverCapacity: Double = 1) {
        self.minimumHealthCapacity = minimumHealthCapacity
        self.maximumOverCapacity = maximumOverCapacity
    }

    enum CodingKeys: String, CodingKey { case minimumHealthCapacity, maximumOverCapacity }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minimumHealthCapacity = try c.decodeIfPresent(Double.self, forKey: .minimumHealthCapacity) ?? 1
        maximumOverCapacity = try c.decodeIfPresent(Double.self, forKey: .maximumOverCapacity) ?? 1
    }

    /// Healthy tasks a deployment of `instances` keeps at all times.
    public func minimumHealthy(of instances: Int) -> Int {
        Int((Double(instances) * minimumHealthCapacity).rounded(.up))
    }

    /// Tasks, old and new, a deployment of `instances` may run at once.
    public func maximumTasks(of instances: Int) -> Int {
        Int((Double(instances) * (1 + maximumOverCapacity)).rounded(.down))
    }
}
