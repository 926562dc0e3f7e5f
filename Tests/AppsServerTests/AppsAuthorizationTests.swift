import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import AppsServer

/// Apps' users and roles: who may change and see which app path through the REST API.
@Suite("Apps' users and roles")
struct AppsAuthorizationTests {
    static let ops = Credential(principal: "ops", secret: "ops-secret")
    static let ernie = Credential(principal: "ernie", secret: "ernie-secret")
    static let viewer = Credential(principal: "viewer", secret: "viewer-secret")

    static let usersFile = #"""
        {"roles": [{"name": "dev", "permissions": [{"allowed": ["create", "update", "delete", "view"], "on": "/dev"}]}],
         "users": [
           {"user": "ernie", "password": "ernie-secret", "roles": ["dev"]},
           {"user": "viewer", "password": "viewer-secret", "permissions": [{"allowed": "view", "on": "/"}]}
         ]}
        """#

    static func authentication() throws -> AppsAuthentication {
        var users = try AppsUsersFile.parse(Array(usersFile.utf8))
        users.append(try AppsUsersFile.credentials("ops:ops-secret"))
        return AppsAuthentication(users: users)
    }

    /// One call through the API: the status, the body as text and the headers.
    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, as credential: Credential?,
        body: String = ""
    ) async throws -> (status: Int, body: String, headers: HTTPFields) {
        var fields: HTTPFields = [.contentType: "application/json", .accept: "application/json"]
        if let credential { fields[.authorization] = credential.authorization }
        let response = try await client.execute(
            uri: path, method: method, headers: fields, body: ByteBuffer(string: body))
        return (Int(response.status.code), String(buffer: response.body), response.headers)
    }

    /// A leading Apps host with the users above, its API served to `body`.
    static func serving(_ body: @escaping @Sendable (AppsHost, any TestClientProtocol) async throws -> Void)
        async throws
    {
        let (host, _, client, _, _) = try await AppsHostTests.leading(authentication: try authentication())
        defer { Task { await client.close() } }
        try await Application(responder: AppsRoutes(host: host).responder()).test(.router) { try await body(host, $0) }
    }

    static func app(_ id: String) -> String { #"{"id": "\#(id)", "cmd": "sleep 100", "cpus": 0.1, "mem": 16}"# }

    @Test("without credentials or with a wrong password every call but /ping is 401 with Marathon's realm")
    func authenticates() async throws {
        try await Self.serving { host, routes in
            for path in ["/v2/apps", "/v2/info", "/v2/leader", "/metrics", "/v2/groups", "//v2/apps"] {
                let anonymous = try await Self.call(routes, .get, path, as: nil)
                #expect(anonymous.status == 401, "\(path)")
                #expect(anonymous.headers[.wwwAuthenticate] == #"Basic realm="Mesosphere""#)
                #expect(anonymous.body.contains("Not Authenticated"))
            }
            let wrong = Credential(principal: "ernie", secret: "guess")
            #expect(try await Self.call(routes, .get, "/v2/apps", as: wrong).status == 401)
            #expect(try await Self.call(routes, .post, "/v2/apps", as: nil, body: Self.app("/dev/web")).status == 401)
            #expect(try await Self.call(routes, .get, "/ping", as: nil).status == 200)
            #expect(try await Self.call(routes, .get, "/v2/info", as: Self.ernie).status == 200)
            #expect(await host.read { $0.apps.isEmpty } == true)
        }
    }

    @Test("a role's user creates, changes and deletes only under its path; others get 403 and the app is untouched")
    func changesByPath() async throws {
        try await Self.serving { host, routes in
            #expect(
                try await Self.call(routes, .post, "/v2/apps", as: Self.ernie, body: Self.app("/dev/web")).status == 201
            )
            let refused = try await Self.call(routes, .post, "/v2/apps", as: Self.ernie, body: Self.app("/prod/api"))
            #expect(refused.status == 403)
            #expect(refused.body.contains("Not Authorized to perform this action!"))
            #expect(refused.body.contains("create /prod/api"))
            // /devops is not under /dev: permissions go by segments, not characters.
            #expect(
                try await Self.call(routes, .put, "/v2/apps/devops/x", as: Self.ernie, body: Self.app("/devops/x"))
                    .status == 403)
            #expect(
                try await Self.call(routes, .post, "/v2/apps", as: Self.ops, body: Self.app("/prod/api")).status == 201)
            #expect(
                try await Self.call(routes, .post, "/v2/apps", as: Self.viewer, body: Self.app("/dev/other")).status
                    == 403)
            let changes: [(HTTPRequest.Method, String, String)] = [
                (.put, "/v2/apps/prod/api", #"{"instances": 3}"#), (.patch, "/v2/apps/prod/api", #"{"instances": 3}"#),
                (.delete, "/v2/apps/prod/api", ""), (.post, "/v2/apps/prod/api/restart", ""),
                (.delete, "/v2/apps/prod/api/tasks", ""), (.delete, "/v2/queue/prod/api/delay", ""),
                (.delete, "/v2/groups/prod", ""), (.put, "/v2/groups/prod", #"{"scaleBy": 2}"#),
                (.post, "/v2/groups", #"{"id": "/prod", "apps": [{"id": "new", "cmd": "sleep 1"}]}"#),
                (.put, "/v2/groups/dev", #"{"apps": [{"id": "/prod/api", "instances": 2}]}"#),
                (.delete, "/v2/leader", ""),
            ]
            for (method, path, body) in changes {
                #expect(
                    try await Self.call(routes, method, path, as: Self.ernie, body: body).status == 403,
                    "\(method) \(path)")
            }
            #expect(await host.read { $0.apps[AppID("/prod/api")]?.instances } == 1)
            #expect(await host.read { $0.apps.count } == 2)
            #expect(
                try await Self.call(
                    routes, .put, "/v2/apps/dev/web?force=true", as: Self.ernie, body: #"{"instances": 2}"#
                ).status == 200)
            #expect(try await Self.call(routes, .delete, "/v2/apps/dev/web", as: Self.viewer).status == 403)
            #expect(try await Self.call(routes, .delete, "/v2/apps/dev/web", as: Self.ernie).status == 200)
        }
    }

    @Test(
        "lists, groups, deployments and the queue show a user only the apps it may view; one app of another path is 403"
    )
    func viewsFiltered() async throws {
        try await Self.serving { host, routes in
            #expect(
                try await Self.call(routes, .post, "/v2/apps", as: Self.ops, body: Self.app("/dev/web")).status == 201)
            #expect(
                try await Self.call(routes, .post, "/v2/apps", as: Self.ops, body: Self.app("/prod/api")).status == 201)
            for path in ["/v2/apps", "/v2/groups", "/v2/deployments", "/v2/queue", "/v2/tasks"] {
                let seen = try await Self.call(routes, .get, path, as: Self.ernie)
                #expect(seen.status == 200, "\(path)")
                #expect(!seen.body.contains("/prod"), "\(path): \(seen.body)")
                let all = try await Self.call(routes, .get, path, as: Self.viewer)
                #expect(all.body.contains("/prod/api") || path == "/v2/tasks", "\(path): \(all.body)")
            }
            #expect(try await Self.call(routes, .get, "/v2/apps", as: Self.ernie).body.contains("/dev/web"))
            #expect(try await Self.call(routes, .get, "/v2/apps/prod/api", as: Self.ernie).status == 403)
            #expect(try await Self.call(routes, .get, "/v2/apps/prod/missing", as: Self.ernie).status == 403)
            #expect(try await Self.call(routes, .get, "/v2/apps/prod/api/versions", as: Self.ernie).status == 403)
            #expect(try await Self.call(routes, .get, "/v2/groups/prod", as: Self.ernie).status == 403)
            #expect(try await Self.call(routes, .get, "/v2/apps/dev/web", as: Self.ernie).status == 200)
            // A deployment of an app the user may not see is not found, not cancelled.
            let prod = await host.read { $0.deployments.values.first { $0.affectedApps == [AppID("/prod/api")] }?.id }
            let deployment = try #require(prod ?? nil)
            #expect(try await Self.call(routes, .delete, "/v2/deployments/\(deployment)", as: Self.ernie).status == 404)
            #expect(
                try await Self.call(routes, .delete, "/v2/deployments/\(deployment)", as: Self.viewer).status == 403)
            #expect(await host.read { $0.deployments[deployment] != nil } == true)
        }
    }

    @Test("a web page's POST must be JSON: a form's, even with the user's credentials, is 415 and changes nothing")
    func crossSiteForms() async throws {
        try await Self.serving { host, routes in
            let page: HTTPFields = [.origin: "http://elsewhere.example", .authorization: Self.ops.authorization]
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", nil] {
                var fields = page
                if let type { fields[.contentType] = type }
                for path in ["/v2/apps", "/v2/apps/dev/web/restart"] {
                    let response = try await routes.execute(
                        uri: path, method: .post, headers: fields, body: ByteBuffer(string: Self.app("/dev/web")))
                    #expect(response.status == .unsupportedMediaType, "\(type ?? "none") \(path)")
                    #expect(response.headers[.accessControlAllowOrigin] == "*")
                }
            }
            #expect(await host.read { $0.apps.isEmpty } == true)
            // The UI's own calls are JSON; clients that name no Origin (curl -d) are not asked.
            var json = page
            json[.contentType] = "application/json"
            let created = try await routes.execute(
                uri: "/v2/apps", method: .post, headers: json, body: ByteBuffer(string: Self.app("/dev/web")))
            #expect(created.status == .created)
            let form: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .authorization: Self.ops.authorization,
            ]
            let curl = try await routes.execute(
                uri: "/v2/apps", method: .post, headers: form, body: ByteBuffer(string: Self.app("/dev/curl")))
            #expect(curl.status == .created)
        }
    }

    @Test("the event stream sends a subscriber only the events of apps it may view")
    func eventsFiltered() async {
        let hub = EventHub()
        let dev = AppsAccess(user: "ernie", permissions: [AppsPermission([.view], on: AppID("/dev"))])
        let stream = hub.attach(types: [], access: dev)!
        hub.publish(type: "app_terminated_event", json: .object([("appId", "/prod/api")]), apps: [AppID("/prod/api")])
        hub.publish(type: "app_terminated_event", json: .object([("appId", "/dev/web")]), apps: [AppID("/dev/web")])
        let sent = String(decoding: await stream.next() ?? [], as: UTF8.self)
        #expect(sent.contains("/dev/web"))
        #expect(!sent.contains("/prod/api"))
    }
}

/// `--http-users` and `--http-credentials`: what they grant, and the errors a bad file gets.
@Suite("Apps' users file")
struct AppsUsersFileTests {
    @Test("roles and a user's own permissions add up; '*' is every operation")
    func reads() throws {
        let users = try AppsUsersFile.parse(
            Array(
                #"""
                {"roles": [{"name": "dev", "permissions": [{"allowed": "*", "on": "/dev/"}]}],
                 "users": [{"user": "ernie", "password": "p", "roles": ["dev"],
                            "permissions": [{"allowed": ["view"], "on": "/"}]}]}
                """#.utf8))
        #expect(users.count == 1)
        #expect(
            users[0].permissions == [
                AppsPermission([.view], on: .root),
                AppsPermission(Set(AppsPermission.Operation.allCases), on: AppID("/dev")),
            ])
        let ops = try AppsUsersFile.credentials("ops:pa:ss")
        #expect(ops.name == "ops")
        #expect(ops.password == "pa:ss")
        #expect(AppsAccess(user: ops.name, permissions: ops.permissions).isUnrestricted)
    }

    @Test("a bad file or flag is refused with what is wrong")
    func refuses() {
        let cases: [(String, String)] = [
            (#"{"users": []}"#, "names no user"),
            (#"{"users": [{"user": "a", "password": "p", "roles": ["x"]}]}"#, "role 'x'"),
            (
                #"{"users": [{"user": "a", "password": "p", "permissions": [{"allowed": "admin", "on": "/"}]}]}"#,
                "'admin'"
            ),
            (
                #"{"users": [{"user": "a", "password": "p", "permissions": [{"allowed": "view", "on": "dev"}]}]}"#,
                "absolute"
            ),
            (#"{"users": [{"user": "a", "password": "p"}, {"user": "a", "password": "q"}]}"#, "named twice"),
            (#"{"users": [{"user": "a:b", "password": "p"}]}"#, "cannot be a user name"),
            (#"{"users": [{"user": "a", "password": ""}]}"#, "no password"),
            (#"{"roles": [{"name": "r", "permissions": []}, {"name": "r", "permissions": []}], "users": []}"#, "twice"),
            ("[1, 2]", "not the users file's JSON"),
        ]
        for (text, expected) in cases {
            #expect(throws: AppsUsersError.self, "\(text)") { try AppsUsersFile.parse(Array(text.utf8)) }
            do {
                _ = try AppsUsersFile.parse(Array(text.utf8))
            } catch {
                #expect(error.description.contains(expected), "\(text): \(error)")
            }
        }
        #expect(throws: AppsUsersError.self) { try AppsUsersFile.credentials("nopassword") }
        #expect(throws: AppsUsersError.self) { try AppsUsersFile.credentials("user:") }
    }
}
