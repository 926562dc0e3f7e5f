import ClusterProtocol
import KeeperClient
import Logging

/// Finds the leading master and follows it as leadership moves (Mesos' master detector):
/// through the masters' election in Keeper (the lowest `json.info_` child leads; its
/// MasterInfo's `address` says where), or a fixed `host:port`.
public struct MasterDetector: Sendable {
    public let url: MasterURL
    public let logger: Logger

    public init(url: MasterURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// The leader now and after every change; nil while there is none. Runs until
    /// cancelled, across lost Keeper sessions.
    public func leaders() -> AsyncStream<HostPort?> {
        let (stream, continuation) = AsyncStream.makeStream(of: HostPort?.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            switch url {
            case .direct(let host, let port):
                continuation.yield(HostPort(host: host, port: port))
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            case .keeper(let connectString, let path, _):
                await follow(connectString: connectString, path: path) { continuation.yield($0) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func follow(connectString: String, path: String, _ yield: (HostPort?) -> Void) async {
        while !Task.isCancelled {
            do {
                let client = try await KeeperClient.connect(
                    connectString, configuration: url.keeperAccess.configuration())
                defer { Task { await client.close() } }
                let election = LeaderElection(client: client, path: path, prefix: MasterElection.prefix)
                for try await leader in election.leaders() {
                    yield(leader.flatMap { MasterElection.address(fromInfo: $0.data) })
                }
            } catch {
                logger.info("Looking for the leading master at zk://\(connectString)\(path): \(error); trying again")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// The masters' election as Mesos lays it out in ZooKeeper.
public enum MasterElection {
    /// Candidates are `json.info_NNNNNNNNNN`: pymesos and Mesos' own detectors read only these.
    public static let prefix = "json.info_"

    /// Where the master whose MasterInfo JSON this is serves: `address.ip` and
    /// `address.port`, as pymesos reads them.
    public static func address(fromInfo data: [UInt8]) -> HostPort? {
        guard let info = try? MesosJSON.decode(Mesos.MasterInfo.self, from: data) else { return nil }
        if let address = info.address, let host = address.ip ?? address.hostname {
            return HostPort(host: host, port: Int(address.port))
        }
        return info.hostname.map { HostPort(host: $0, port: Int(info.port)) }
    }
}
