import Foundation
import KeeperClient

/// Which Keeper/ZooKeeper servers the integration tests talk to.
///
/// - `KEEPER_TEST_SERVERS=host:port[,host:port…]`: servers someone else runs.
/// - `KEEPER_TEST_ZOOKEEPER=1`: the tests start one Apache ZooKeeper standalone server
///   (Debian's `zookeeper` package) on a port in 21810-21819, once per test process, and
///   stop it when the process exits.
/// - Otherwise: the Swift Keeper server, in the test process (`InProcessKeeper`).
public enum TestServers {
    public static var external: String? {
        ProcessInfo.processInfo.environment["KEEPER_TEST_SERVERS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var wantsApacheZooKeeper: Bool {
        ProcessInfo.processInfo.environment["KEEPER_TEST_ZOOKEEPER"] == "1"
    }

    public static var available: Bool {
        !wantsApacheZooKeeper || ApacheZooKeeper.isInstalled || external != nil
    }

    public static var unavailableReason: String {
        if wantsApacheZooKeeper && !ApacheZooKeeper.isInstalled {
            return "KEEPER_TEST_ZOOKEEPER=1 but no java or \(ApacheZooKeeper.jar)"
        }
        return "no server"
    }

    /// The connect string (hosts only) of the servers under test.
    public static func hosts() async throws -> String {
        if let external { return external }
        if wantsApacheZooKeeper { return try await ApacheZooKeeper.shared.hosts() }
        return try await InProcessKeeper.shared.hosts()
    }

    /// A fresh, empty subtree for one test and a connect string chrooted into it, so
    /// tests running side by side never see each other's nodes. `body` gets the hosts
    /// and the root path; the subtree is deleted afterwards.
    public static func withTestRoot<T: Sendable>(
        _ name: String = "t", _ body: (_ hosts: String, _ root: String) async throws -> T
    ) async throws -> T {
        let hosts = try await hosts()
        let root = "/\(name)-\(UInt64.random(in: 0..<UInt64.max))"
        let admin = try await KeeperClient.connect(hosts, configuration: testConfiguration())
        try await admin.create(root)
        do {
            let result = try await body(hosts, root)
            try? await admin.deleteRecursively(root)
            await admin.close()
            return result
        } catch {
            try? await admin.deleteRecursively(root)
            await admin.close()
            throw error
        }
    }

    /// A client configuration for tests: hosts in order, a short session.
    public static func testConfiguration(sessionTimeout: Duration = .seconds(6)) -> KeeperClient.Configuration {
        var configuration = KeeperClient.Configuration()
        configuration.shuffleHosts = false
        configuration.sessionTimeout = sessionTimeout
        return configuration
    }
}
