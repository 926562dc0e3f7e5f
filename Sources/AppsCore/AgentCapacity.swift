/// What one agent has in all, as the master reports it: for refusing an app that no agent
/// could ever hold (422) rather than letting it wait for an offer that never comes.
public struct AgentCapacity: Sendable, Equatable {
    public var hostname: String
    public var cpus: Double
    public var mem: Double
    public var disk: Double
    public var gpus: Double
    /// How many ports it has.
    public var ports: Int

    public init(hostname: String, cpus: Double, mem: Double, disk: Double, gpus: Double, ports: Int) {
        self.hostname = hostname
        self.cpus = cpus
        self.mem = mem
        self.disk = disk
        self.gpus = gpus
        self.ports = ports
    }

    /// True when one task of `app` fits in this agent when it is empty.
    func holds(_ app: AppDefinition) -> Bool {
        app.cpus <= cpus && app.mem <= mem && app.disk <= disk && Double(app.gpus) <= gpus
            && app.portDefinitions.count <= ports
    }
}

extension AppsScheduler {
    /// Why no agent could ever hold a task of `app` (each field that is larger than on
    /// every agent, or the combination), or nothing when one could, when the app runs no
    /// instance, or when no agent is known yet.
    func fitProblems(_ app: AppDefinition) -> [ValidationProblem] {
        let agents = agentCapacities
        guard !agents.isEmpty, app.instances > 0, !agents.contains(where: { $0.holds(app) }) else { return [] }
        let advice = "no task of this app could ever be placed; ask for less, or add an agent that large"
        var found: [ValidationProblem] = []
        let fields: [(String, String, Double, Double)] = [
            ("/cpus", "cpus", app.cpus, agents.map(\.cpus).max()!),
            ("/mem", "MiB of memory", app.mem, agents.map(\.mem).max()!),
            ("/disk", "MiB of disk", app.disk, agents.map(\.disk).max()!),
            ("/gpus", "gpus", Double(app.gpus), agents.map(\.gpus).max()!),
            ("/portDefinitions", "ports", Double(app.portDefinitions.count), Double(agents.map(\.ports).max()!)),
        ]
        for (path, what, wanted, largest) in fields where wanted > largest {
            found.append(
                ValidationProblem(
                    path: path,
                    "No agent has \(Self.amount(wanted)) \(what): the largest has \(Self.amount(largest)); \(advice)"))
        }
        if found.isEmpty {
            found.append(
                ValidationProblem(
                    path: "/",
                    "No agent has cpus \(Self.amount(app.cpus)), mem \(Self.amount(app.mem)), disk \(Self.amount(app.disk)) and \(app.portDefinitions.count) ports together; \(advice)"
                ))
        }
        return found
    }

    private static func amount(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension AppDefinition {
    /// True when a task of `other` asks for other amounts than one of this (or this one ran
    /// none): what makes Apps check again that some agent could hold it.
    func resourcesDiffer(from other: AppDefinition) -> Bool {
        instances == 0 || cpus != other.cpus || mem != other.mem || disk != other.disk || gpus != other.gpus
            || portDefinitions.count != other.portDefinitions.count
    }
}
