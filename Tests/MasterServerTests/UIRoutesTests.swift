import ClusterEdge
import CorralUI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MasterCore
import Testing

@testable import MasterServer

/// The web UI's files as a master serves them, and what a standby does with `/`.
@Suite("web UI routes")
struct UIRoutesTests {
    @Test("/ is the page; every module it and the others import is served, with its type; others are 404")
    func files() async throws {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        await host.lead(as: MasterRoutesTests.info)
        let app = Application(router: MasterRoutes(host: host).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("/ui/app.js"))
            }
            // Every embedded file is used, and every file used is embedded.
            #expect(Self.referenced() == Set(UIAssets.files.keys))
            for name in Self.referenced() {
                try await client.execute(uri: "/ui/\(name)", method: .get) { response in
                    #expect(response.status == .ok, "\(name)")
                    #expect(response.headers[.cacheControl] == "no-cache")
                    let type =
                        name.hasSuffix(".js") ? "text/javascript" : name.hasSuffix(".css") ? "text/css" : "text/html"
                    #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(name)")
                }
            }
            try await client.execute(uri: "/ui/nothing.js", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/corral/v1/keeper/znode?path=/", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("without Keeper"))
            }
        }
    }

    @Test("a standby sends the browser to the leader's UI; with no leader it serves the page itself")
    func standby() async throws {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        let app = Application(router: MasterRoutes(host: host).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok) }
            await host.noteLeader(HostPort(host: "10.0.0.9", port: 5050))
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "//10.0.0.9:5050/")
            }
            try await client.execute(uri: "/ui/app.js", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// Every file the page names and every module a module imports: all must be embedded.
    static func referenced() -> Set<String> {
        var names: Set<String> = ["index.html"]
        var queue = ["index.html"]
        while let name = queue.popLast() {
            guard let asset = UIAssets.files[name] else { continue }
            let text = String(decoding: asset.bytes, as: UTF8.self)
            for pattern in ["/ui/", "from \"./"] {
                var rest = Substring(text)
                while let range = rest.range(of: pattern) {
                    let after = rest[range.upperBound...]
                    let file = String(after.prefix { $0 != "\"" && $0 != "'" })
                    if names.insert(file).inserted { queue.append(file) }
                    rest = after
                }
            }
        }
        return names
    }
}
