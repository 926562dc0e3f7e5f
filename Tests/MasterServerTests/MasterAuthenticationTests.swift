import ClusterEdge
import ClusterProtocol
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeeperClient
import KeeperProtocol
import Logging
import MasterCore
import Testing

@testable import MasterServer

@Suite("Mesos' credentials files")
struct CredentialFileTests {
    static func parse(_ text: String) throws -> [Credential] {
        try CredentialFile.parse(Array(text.utf8), flag: "--credentials")
    }

    @Test("JSON with many, JSON with one, and the older text form")
    func formats() throws {
        #expect(
            try Self.parse(#"{"credentials": [{"principal": "a", "secret": "x"}, {"principal": "b", "secret": "y"}]}"#)
                == [Credential(principal: "a", secret: "x"), Credential(principal: "b", secret: "y")])
        #expect(
            try Self.parse(#"  {"principal": "agent", "secret": "s"}"#) == [Credential(principal: "agent", secret: "s")]
        )
        #expect(
            try Self.parse("a x\n\nb\ty\r\n")
                == [Credential(principal: "a", secret: "x"), Credential(principal: "b", secret: "y")])
    }

    @Test(
        "what is not a credentials file is refused naming the flag",
        arguments: [
            #"{"credentials": [{"principal": "a"}]}"#, #"{"credentials": []}"#, "", "a b c",
            #"{"credentials": [{"principal": "a", "secret": "x"}, {"principal": "a", "secret": "y"}]}"#,
            "a:b secret",
        ])
    func refused(text: String) {
        #expect {
            _ = try Self.parse(text)
        } throws: { ($0 as? CredentialFileError)?.flag == "--credentials" }
    }

    @Test("a file:// path is read; one credential is asked of an agent's file")
    func paths() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("credential-\(UUID())").path
        try Data(#"{"principal": "agent", "secret": "s"}"#.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CredentialFile.one("file://" + path, flag: "--credential").principal == "agent")
        #expect(throws: CredentialFileError.self) {
            _ = try CredentialFile.one(path + ".missing", flag: "--credential")
        }
    }
}

@Suite("HTTP Basic authentication")
struct BasicAuthenticationTests {
    let basic = BasicAuthentication([Credential(principal: "ops", secret: "s3cret:with:colons")])

    @Test("the right secret authenticates; a wrong one, an unknown principal or a bad header is refused")
    func check() {
        let right = Credential(principal: "ops", secret: "s3cret:with:colons")
        #expect(basic.check(authorization: right.authorization) == .authenticated(principal: "ops"))
        #expect(basic.check(authorization: Credential(principal: "ops", secret: "s3cret").authorization) == .refused)
        #expect(basic.check(authorization: Credential(principal: "x", secret: right.secret).authorization) == .refused)
        #expect(basic.check(authorization: "Basic !!!not-base64") == .refused)
        #expect(
            basic.check(authorization: "basic " + right.authorization.dropFirst(6)) == .authenticated(principal: "ops"))
        #expect(basic.check(authorization: nil) == .missing)
        #expect(basic.check(authorization: "Bearer abc") == .missing)
    }
}

@Suite("the master's authentication")
struct MasterAuthenticationTests {
    static let ops = Credential(principal: "ops", secret: "ops-secret")
    static let analytics = Credential(principal: "analytics", secret: "kitesurf")

    func app(_ configure: (inout MasterAuthentication) -> Void) async -> some ApplicationProtocol {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        await host.lead(as: MasterRoutesTests.info)
        var policy = MasterAuthentication(credentials: [Self.ops, Self.analytics])
        configure(&policy)
        var routes = MasterRoutes(host: host)
        routes.authentication = policy
        return Application(router: routes.router())
    }

    @Test("each flag covers its endpoints: 401 with a challenge without credentials; health is open")
    func realms() async throws {
        let readonly = await app { $0.readonly = true }
        try await readonly.test(.router) { client in
            for path in ["/master/state", "/state", "/metrics/snapshot", "/metrics", "/", "/corral/v1/masters"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.wwwAuthenticate] == #"Basic realm="mesos""#)
                }
            }
            try await client.execute(
                uri: "/master/state", method: .get, headers: [.authorization: Self.ops.authorization]
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/master/state", method: .get,
                headers: [.authorization: Credential(principal: "ops", secret: "no").authorization]
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            // The operator API is readwrite's, not readonly's.
            try await client.execute(
                uri: "/api/v1", method: .post, headers: MasterRoutesTests.json,
                body: ByteBuffer(string: #"{"type":"GET_AGENTS"}"#)
            ) { #expect($0.status == .ok) }
        }
        let readwrite = await app { $0.readwrite = true }
        try await readwrite.test(.router) { client in
            // No spelling of the operator API's path escapes its realm (the router drops
            // empty segments).
            for path in ["/api/v1/", "//api/v1", "/api//v1", "/api/v1/operator/"] {
                try await client.execute(
                    uri: path, method: .post, headers: MasterRoutesTests.json,
                    body: ByteBuffer(string: #"{"type":"GET_AGENTS"}"#)
                ) { #expect($0.status == .unauthorized, "\(path)") }
            }
            try await client.execute(
                uri: "/api/v1", method: .post, headers: MasterRoutesTests.json,
                body: ByteBuffer(string: #"{"type":"GET_AGENTS"}"#)
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/master/state", method: .get) { #expect($0.status == .ok) }
        }
        let agents = await app { $0.agents = true }
        try await agents.test(.router) { client in
            try await client.execute(
                uri: "/corral/v1/agent", method: .post, headers: MasterRoutesTests.json, body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .unauthorized) }
        }
    }

    static func subscribe(_ principal: String?) -> ByteBuffer {
        let info = Mesos.FrameworkInfo(user: "u", name: "n", principal: principal)
        return ByteBuffer(
            bytes: MesosJSON.encode(Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info))))
    }

    @Test("a framework subscribes only as the principal it authenticated as")
    func frameworkPrincipal() async throws {
        let app = await app { $0.frameworks = true }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: MasterRoutesTests.json, body: Self.subscribe("ops")
            ) {
                #expect($0.status == .unauthorized)
            }
            var headers = MasterRoutesTests.json
            headers[.authorization] = Self.analytics.authorization
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: headers, body: Self.subscribe("ops")
            ) {
                #expect($0.status == .badRequest)
                #expect(
                    String(buffer: $0.body)
                        == "Authenticated principal 'analytics' does not match principal 'ops' set in `FrameworkInfo`")
            }
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: headers, body: Self.subscribe(nil)
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }
}

@Suite("--acls, on masters and agents")
struct MasterACLsFlagTests {
    @Test("Mesos' JSON, inline or from a file: values, ANY and NONE, permissive, every action's object key")
    func decoding() throws {
        let json = """
            {"permissive": false,
             "register_frameworks": [{"principals": {"values": ["foo"]}, "roles": {"values": ["analytics"]}},
                                     {"principals": {"type": "ANY"}, "roles": {"type": "NONE"}}],
             "run_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["guest"]}}],
             "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
             "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
             "view_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["guest"]}}],
             "get_endpoints": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot"]}}],
             "mark_agents_gone": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
             "drain_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
             "deactivate_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
             "reactivate_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
             "update_znodes": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/apps"]}}],
             "view_executors": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
             "view_containers": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
             "access_sandboxes": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}]}
            """
        let acls = try MesosACLs.parsing(flag: json)
        #expect(!acls.permissive)
        #expect(acls.rules.count == MesosACLs.Action.allCases.count)
        #expect(
            acls.rules[.registerFrameworks]
                == [
                    .init(principals: .some(["foo"]), object: .some(["analytics"])),
                    .init(principals: .any, object: .none),
                ])
        #expect(acls.allows(.runTasks, principal: "x", object: "guest"))
        #expect(!acls.allows(.runTasks, principal: "x", object: "root"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("acls-\(UUID()).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try MesosACLs.parsing(flag: "file://" + path) == acls)
        #expect(try MesosACLs.parsing(flag: path) == acls)
    }

    @Test(
        "a key Corral does not enforce, a rule without its subject or object, or a bad type is refused",
        arguments: [
            #"{"access_mesos_logs": [{"principals": {"type": "ANY"}, "logs": {"type": "ANY"}}]}"#,
            #"{"run_tasks": [{"users": {"type": "ANY"}}]}"#,
            #"{"run_tasks": [{"principals": {"type": "ANY"}, "roles": {"type": "ANY"}}]}"#,
            #"{"run_tasks": [{"principals": {"type": "SOMETIMES"}, "users": {"type": "ANY"}}]}"#,
            "/nonexistent/acls.json",
        ])
    func refused(text: String) {
        #expect(throws: ACLsError.self) { _ = try MesosACLs.parsing(flag: text) }
    }

    @Test("one file serves masters and agents: each names in its log the actions it leaves to the other")
    func sharedFile() throws {
        let acls = try MesosACLs.parsing(
            flag: """
                {"run_tasks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
                 "view_tasks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
                 "access_sandboxes": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}]}
                """)
        #expect(acls.actionsNotEnforced(by: .master) == [.accessSandboxes])
        #expect(acls.actionsNotEnforced(by: .agent) == [.runTasks])
        #expect(
            acls.notEnforced(by: .master)
                == "--acls: access_sandboxes is the agents' to enforce; this master leaves it to them")
        #expect(
            acls.notEnforced(by: .agent)
                == "--acls: run_tasks is the masters' to enforce; this agent leaves it to them")
        #expect(MesosACLs().notEnforced(by: .agent) == nil)
    }
}

@Suite("the master's authorisation at its edge")
struct MasterAccessTests {
    static let acls = MesosACLs(
        permissive: true,
        rules: [
            .getEndpoints: [
                .init(principals: .some(["ops"]), object: .some(["/metrics/snapshot"])),
                .init(principals: .none, object: .some(["/metrics/snapshot"])),
            ],
            .deactivateAgents: [
                .init(principals: .some(["ops"]), object: .any), .init(principals: .none, object: .any),
            ],
        ])

    func app(_ acls: MesosACLs = Self.acls) async -> some ApplicationProtocol {
        let host = MasterHost(logger: Logger(label: "test")) { info in
            var config = MasterConfig(masterInfo: info)
            config.acls = acls
            return config
        }
        await host.lead(as: MasterRoutesTests.info)
        var routes = MasterRoutes(host: host)
        routes.authentication = MasterAuthentication(
            credentials: [MasterAuthenticationTests.ops, MasterAuthenticationTests.analytics])
        routes.acls = acls
        return Application(router: routes.router())
    }

    @Test("get_endpoints decides Mesos' short list and the Keeper views, not the state endpoints or the UI's files")
    func getEndpointsScope() async throws {
        let nobody = MesosACLs(
            permissive: false,
            rules: [
                .getEndpoints: [.init(principals: .none, object: .any)],
                .viewFrameworks: [.init(principals: .any, object: .any)],
            ])
        let app = await app(nobody)
        let ops: HTTPFields = [.authorization: MasterAuthenticationTests.ops.authorization]
        try await app.test(.router) { client in
            for path in ["/metrics/snapshot", "/metrics", "/corral/v1/keeper/znode?path=/", "/corral/v1/masters"] {
                try await client.execute(uri: path, method: .get, headers: ops) {
                    #expect($0.status == .forbidden, "\(path)")
                }
            }
            for path in ["/master/state", "/state-summary", "/"] {
                try await client.execute(uri: path, method: .get, headers: ops) {
                    #expect($0.status != .forbidden, "\(path)")
                }
            }
        }
    }

    @Test("get_endpoints and the agent actions answer 403 to a principal the ACLs refuse, naming it")
    func refusals() async throws {
        let app = await app()
        let analytics: HTTPFields = [.authorization: MasterAuthenticationTests.analytics.authorization]
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics/snapshot", method: .get, headers: analytics) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("Principal 'analytics'"))
            }
            try await client.execute(uri: "/metrics/snapshot", method: .get) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/metrics/snapshot", method: .get,
                headers: [.authorization: MasterAuthenticationTests.ops.authorization]
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/master/state", method: .get, headers: analytics) {
                #expect($0.status == .ok)
            }
            var headers = MasterRoutesTests.json
            headers[.authorization] = MasterAuthenticationTests.analytics.authorization
            let deactivate = ByteBuffer(
                string: #"{"type":"DEACTIVATE_AGENT","deactivate_agent":{"agent_id":{"value":"A"}}}"#)
            try await client.execute(uri: "/api/v1", method: .post, headers: headers, body: deactivate) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("deactivate_agents"))
            }
            headers[.authorization] = MasterAuthenticationTests.ops.authorization
            try await client.execute(uri: "/api/v1", method: .post, headers: headers, body: deactivate) {
                #expect($0.status != .forbidden)
            }
        }
    }
}

@Suite("who may write znodes from the web UI")
struct ZnodeWriteAccessTests {
    static func request(_ credential: Credential?) -> Request {
        var fields = HTTPFields()
        if let credential { fields[.authorization] = credential.authorization }
        return Request(
            head: HTTPRequest(
                method: .put, scheme: "http", authority: "m", path: "/corral/v1/keeper/znode", headerFields: fields),
            body: .init(buffer: ByteBuffer()))
    }

    @Test("nobody without --authenticate-http-readwrite; then the principals update_znodes allows the path")
    func rules() {
        let credentials = [MasterAuthenticationTests.ops, MasterAuthenticationTests.analytics]
        var noReadwrite = MasterAuthentication(credentials: credentials)
        noReadwrite.readonly = true
        let readOnly = MasterAccess(authentication: noReadwrite, acls: MesosACLs())
        let refusal = readOnly.znodeWriteRefusal(Self.request(MasterAuthenticationTests.ops), path: "/apps/x")
        #expect(refusal?.status == .forbidden)
        var policy = MasterAuthentication(credentials: credentials)
        policy.readwrite = true
        let acls = MesosACLs(
            permissive: true,
            rules: [
                .updateZnodes: [
                    .init(principals: .some(["ops"]), object: .any), .init(principals: .none, object: .any),
                ]
            ])
        let access = MasterAccess(authentication: policy, acls: acls)
        #expect(access.znodeWriteRefusal(Self.request(MasterAuthenticationTests.ops), path: "/apps/x") == nil)
        #expect(
            access.znodeWriteRefusal(Self.request(MasterAuthenticationTests.analytics), path: "/apps/x")?.status
                == .forbidden)
        #expect(access.znodeWriteRefusal(Self.request(nil), path: "/apps/x")?.status == .forbidden)
        #expect(MasterAuthentication.realm(of: "/corral/v1/keeper/znode", method: .put) == .readwrite)
        #expect(MasterAuthentication.realm(of: "/corral/v1/keeper/znode", method: .get) == .readonly)
    }
}

@Suite("Keeper credentials in zk:// URLs")
struct KeeperCredentialsURLTests {
    @Test("user:password, a password holding '@', and credentials without a password refused")
    func parsing() throws {
        let url = try MasterURL(parsing: "zk://ops:p@ss@127.0.0.1:2181,127.0.0.1:2182/mesos")
        #expect(url == .keeper(connectString: "127.0.0.1:2181,127.0.0.1:2182", path: "/mesos", credentials: "ops:p@ss"))
        #expect(url.keeperAccess.authentication == [.digest(user: "ops", password: "p@ss")])
        #expect(!url.description.contains("p@ss"))
        #expect(throws: MasterURLError.self) { _ = try MasterURL(parsing: "zk://ops@127.0.0.1:2181/mesos") }
        #expect(try MasterURL(parsing: "zk://127.0.0.1:2181/mesos").keeperAccess.acl == ACL.openUnsafe)
    }
}
