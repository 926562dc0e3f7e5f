import ClusterCore
import ClusterProtocol

extension JSONValue {
    /// Resources as Mesos' v0 endpoints write them: scalars as numbers (cpus, gpus, mem and
    /// disk always, 0 when absent), ranges and sets as text, `{"cpus": 4, "ports": "[31000-32000]"}`;
    /// roles summed, as Mesos sums them there.
    public static func resources(_ resources: Resources) -> JSONValue {
        var members: [(String, JSONValue)] = []
        var scalars: [String: Scalar] = [:]
        for entry in resources.entries {
            switch entry.value {
            case .scalar(let amount): scalars[entry.name, default: .zero] += amount
            case .ranges, .set: members.append((entry.name, .string(entry.value.description)))
            }
        }
        for name in ["cpus", "gpus", "mem", "disk"] where scalars[name] == nil { scalars[name] = .zero }
        for (name, amount) in scalars { members.append((name, .double(amount.doubleValue))) }
        return .object(members.sorted { $0.0 < $1.0 })
    }

    /// The same for resources as the API carries them; ones that do not convert are left out.
    public static func resources(_ wire: [Mesos.Resource]) -> JSONValue {
        resources((try? Resources(wire)) ?? Resources())
    }
}
