// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]
/// The cores the simulations drive are optimised in debug builds too: `swift test` runs
/// thousands of seeds through them (production runs them optimised as well). Not
/// KeeperProtocol: the KeeperClient library builds on it, and a package that depends on
/// Corral may not build targets with unsafe flags.
let simulated: [SwiftSetting] = strict + [.unsafeFlags(["-O"])]

let package = Package(
    name: "Corral",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "corral", targets: ["corral"]),
        .executable(name: "zkcli", targets: ["zkcli"]),
        .library(name: "KeeperClient", targets: ["KeeperClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.0")),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // Cores: the standard library only.
        .target(name: "KeeperProtocol", swiftSettings: strict),
        // UTC timestamps as ZooKeeper's log dumps and Marathon write them, without Foundation.
        .target(name: "UTCTime", swiftSettings: simulated),
        .target(name: "KeeperCore", dependencies: ["KeeperProtocol"], swiftSettings: simulated),
        .target(name: "Zab", swiftSettings: simulated),
        .target(name: "KeeperNode", dependencies: ["KeeperCore", "KeeperProtocol", "Zab"], swiftSettings: simulated),
        // The cluster manager's core: resources, sorters, the allocator.
        .target(name: "ClusterCore", swiftSettings: simulated),
        // Mesos' v1 HTTP API records (Codable value types), RecordIO, Corral's agent protocol.
        .target(name: "ClusterProtocol", dependencies: ["ClusterCore"], swiftSettings: simulated),
        // The master and the agent as pure state machines.
        .target(name: "MasterCore", dependencies: ["ClusterCore", "ClusterProtocol"], swiftSettings: simulated),
        .target(name: "AgentCore", dependencies: ["ClusterCore", "ClusterProtocol"], swiftSettings: simulated),
        // Apps (Marathon-style long-running services): its scheduler as a pure state machine.
        .target(
            name: "AppsCore", dependencies: ["ClusterCore", "ClusterProtocol", "UTCTime"], swiftSettings: simulated),
        // Storage runs over a file-system protocol; only its POSIX implementation touches Glibc.
        .target(
            name: "KeeperStorage", dependencies: ["KeeperCore", "KeeperProtocol", "Zab", "UTCTime"],
            swiftSettings: simulated),
        // The agent's checkpoint on disk, through the file-system protocol the simulator tears.
        .target(
            name: "AgentStorage", dependencies: ["AgentCore", "ClusterProtocol", "KeeperStorage"],
            swiftSettings: simulated),
        // The deterministic simulator's parts: seeded randomness, a file system with faults.
        .target(
            name: "CorralSim",
            dependencies: [
                "KeeperStorage", "KeeperCore", "KeeperNode", "KeeperProtocol", "Zab", "MasterCore", "AgentCore",
                "AgentStorage", "ClusterCore", "ClusterProtocol", "AppsCore",
            ],
            swiftSettings: simulated),
        // Edges.
        // The client port's length-prefixed framing over NIO, shared by server, client and bench.
        .target(
            name: "KeeperFraming",
            dependencies: ["KeeperProtocol", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict),
        .target(
            name: "KeeperServer",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperNode", "KeeperCore", "KeeperProtocol", "KeeperStorage", "Zab", "KeeperFraming", "CorralMetrics",
                "CorralTLS", .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "KeeperClient",
            dependencies: [
                "KeeperProtocol", "KeeperFraming", "CorralTLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The load generator of `corral bench`: raw pipelined sessions over NIO, no KeeperClient.
        .target(
            name: "KeeperBench",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperProtocol", "KeeperStorage", "KeeperFraming", "CorralTLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "KeeperCLI",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), "KeeperClient", "KeeperProtocol",
                "CorralTLS",
            ],
            swiftSettings: strict),
        // TLS from PEM files for every port that speaks it (swift-nio-ssl), and the x509
        // identity of a client certificate.
        .target(
            name: "CorralTLS",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Every daemon's `GET /metrics`: swift-metrics over swift-prometheus, one registry per
        // daemon, and the middleware that times HTTP requests.
        .target(
            name: "CorralMetrics",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        // The web UI: plain HTML, CSS and JavaScript modules compiled into the binary.
        .target(
            name: "CorralUI",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            resources: [.embedInCode("Assets")],
            swiftSettings: strict),
        // What the cluster's edges share: the HTTP client, JSON, zk:// URLs, finding the
        // leading master, a scheduler's session, outbound event streams.
        .target(
            name: "ClusterEdge",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "ClusterProtocol", "ClusterCore", "KeeperClient", "KeeperProtocol", "CorralTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The master's edge: its HTTP API on Hummingbird, leadership through Keeper.
        .target(
            name: "MasterServer",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "MasterCore", "ClusterCore", "ClusterProtocol", "ClusterEdge", "KeeperClient", "KeeperProtocol",
                "CorralMetrics", "CorralUI", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The agent's edge: containers (processes, cgroups), the executor API, sandboxes.
        .target(
            name: "AgentServer",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "AgentCore", "AgentStorage", "KeeperStorage", "ClusterCore", "ClusterProtocol", "ClusterEdge",
                "CorralMetrics", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Apps' edge: its Marathon REST API, its state in Keeper, leadership, health probes.
        .target(
            name: "AppsServer",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "AppsCore", "ClusterCore", "ClusterEdge", "ClusterProtocol", "KeeperClient", "KeeperProtocol",
                "UTCTime", "CorralMetrics", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The cluster benchmarks: simulated agents that speak the agent protocol to a real master.
        .target(
            name: "ClusterBench",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "ClusterEdge", "ClusterProtocol", "ClusterCore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Executables: argument parsing and wiring.
        .executableTarget(
            name: "corral",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperServer", "KeeperStorage", "KeeperBench", "MasterServer", "MasterCore", "AgentServer",
                "ClusterEdge",
                "ClusterProtocol", "ClusterCore", "ClusterBench", "AppsServer", "CorralTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "zkcli",
            dependencies: [
                "KeeperCLI", "CorralTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // Tests.
        .testTarget(name: "KeeperProtocolTests", dependencies: ["KeeperProtocol"], swiftSettings: strict),
        .testTarget(
            name: "CorralTLSTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "CorralTLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "ClusterCoreTests", dependencies: ["ClusterCore", "CorralSim"], swiftSettings: strict),
        .testTarget(
            name: "ClusterProtocolTests", dependencies: ["ClusterProtocol", "ClusterCore", "CorralSim"],
            swiftSettings: strict),
        .testTarget(
            name: "MasterCoreTests",
            dependencies: ["MasterCore", "ClusterCore", "ClusterProtocol", "CorralSim", "KeeperTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "AppsCoreTests", dependencies: ["AppsCore", "ClusterCore", "ClusterProtocol", "UTCTime"],
            swiftSettings: strict),
        .testTarget(
            name: "AppsServerTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "AppsServer", "AppsCore", "ClusterEdge", "ClusterProtocol", "KeeperClient", "KeeperTestSupport",
                "UTCTime",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "AgentCoreTests",
            dependencies: [
                "AgentCore", "AgentStorage", "ClusterCore", "ClusterProtocol", "CorralSim", "KeeperStorage",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "MasterServerTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "MasterServer", "MasterCore", "ClusterCore", "ClusterEdge", "ClusterProtocol", "KeeperClient",
                "KeeperProtocol",
                "KeeperTestSupport", "CorralUI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "AgentServerTests",
            dependencies: [
                "AgentServer", "AgentCore", "ClusterEdge", "ClusterProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperFramingTests",
            dependencies: [
                "KeeperFraming", "KeeperProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperCoreTests",
            dependencies: [
                "KeeperCore", "KeeperProtocol", "CorralSim", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperStorageTests", dependencies: ["KeeperStorage", "KeeperCore", "KeeperProtocol", "CorralSim"],
            swiftSettings: strict),
        .testTarget(
            name: "ZabTests", dependencies: ["Zab", "CorralSim", "KeeperTestSupport", "KeeperNode", "KeeperCore"],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperNodeTests",
            dependencies: [
                "KeeperNode", "KeeperCore", "KeeperProtocol", "Zab",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperServerTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperServer", "KeeperClient", "KeeperProtocol", "KeeperNode", "KeeperCore", "Zab", "corral",
                "KeeperTestSupport", "KeeperFraming", "CorralTLS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Test support: finds (or starts) a server to test against, and a TCP proxy to cut.
        .target(
            name: "KeeperTestSupport",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperClient", "KeeperServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperClientTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "KeeperClient", "KeeperProtocol", "KeeperTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperCLITests",
            dependencies: ["KeeperCLI", "KeeperServer", "KeeperClient", "KeeperProtocol", "KeeperTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "KeeperBenchTests",
            dependencies: [
                // corral: `bench serve` and `bench election` start the corral built beside the tests.
                "KeeperBench", "KeeperServer", "KeeperProtocol", "KeeperTestSupport", "corral", "CorralTLS",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
    ]
)

// `scripts/sanitize --in-place`: Corral's own modules built with a sanitizer
// (CORRAL_SANITIZE=address or thread) in the plain build's directory, beside the plain
// dependencies it already holds, so only Corral's modules are compiled again.
if let sanitizer = Context.environment["CORRAL_SANITIZE"] {
    precondition(["address", "thread"].contains(sanitizer), "CORRAL_SANITIZE: address or thread")
    for target in package.targets {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
        target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
    }
}
