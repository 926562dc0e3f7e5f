import ClusterCore
import ClusterEdge
import ClusterProtocol
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MasterCore
import Testing

@testable import MasterServer

/// The master's HTTP API through Hummingbird's router, without sockets (and one live
/// subscription, since a stream never ends).
@Suite("master HTTP API")
struct MasterRoutesTests {
    static let info = Mesos.MasterInfo(id: "M", ip: 16_777_343, port: 5050, hostname: "localhost")

    func leadingApp(requestBytesMax: Int = 1 << 20) async -> some ApplicationProtocol {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        await host.lead(as: Self.info)
        var routes = MasterRoutes(host: host)
        routes.requestBytesMax = requestBytesMax
        return Application(router: routes.router())
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    @Test("scheduler calls are checked in Mesos' order: 405, 415, 413, 400 with a message, 403")
    func schedulerValidation() async throws {
        let app = await leadingApp(requestBytesMax: 4096)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/scheduler", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/v1/scheduler", method: .post, body: ByteBuffer(string: "{}")) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("Content-Type"))
            }
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json,
                body: ByteBuffer(repeating: UInt8(ascii: " "), count: 5000)
            ) {
                #expect($0.status == .contentTooLarge)
            }
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json, body: ByteBuffer(string: "{\"type\":")
            ) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).hasPrefix("Failed to parse body into Call"))
            }
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json,
                body: ByteBuffer(string: "{\"type\":\"SUBSCRIBE_ME\"}")
            ) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("SUBSCRIBE_ME"))
            }
            let revive = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"nobody\"}}"
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json, body: ByteBuffer(string: revive)
            ) {
                #expect($0.status == .forbidden)
            }
            let subscribe =
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}"
            var accept = Self.json
            accept[.accept] = "application/x-protobuf"
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: accept, body: ByteBuffer(string: subscribe)
            ) {
                #expect($0.status == .notAcceptable)
            }
        }
    }

    @Test("a standby answers 307 to the leader, or 503 while none is known; /health and /version answer anyway")
    func standby() async throws {
        let host = MasterHost(logger: Logger(label: "test")) { MasterConfig(masterInfo: $0) }
        let app = Application(router: MasterRoutes(host: host).router())
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json, body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .serviceUnavailable)
            }
            await host.noteLeader(HostPort(host: "10.0.0.7", port: 5050))
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json, body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .temporaryRedirect)
                #expect($0.headers[.location] == "//10.0.0.7:5050/api/v1/scheduler")
            }
            try await client.execute(uri: "/state", method: .get) {
                #expect($0.status == .temporaryRedirect)
                #expect($0.headers[.location] == "//10.0.0.7:5050/state")
            }
            try await client.execute(uri: "/master/redirect", method: .get) {
                #expect($0.headers[.location] == "//10.0.0.7:5050")
            }
            // The leader stops answering the standby's probes (cut off by the network): the
            // standby says so (503) rather than sending clients where they would hang.
            await host.noteLeaderAnswers(false, at: HostPort(host: "10.0.0.7", port: 5050))
            try await client.execute(
                uri: "/api/v1/scheduler", method: .post, headers: Self.json, body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .serviceUnavailable)
                #expect(String(buffer: $0.body).contains("10.0.0.7:5050 does not answer"))
            }
            await host.noteLeaderAnswers(true, at: HostPort(host: "10.0.0.7", port: 5050))
            try await client.execute(uri: "/state", method: .get) { #expect($0.status == .temporaryRedirect) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/version", method: .get) { response in
                let version = try MesosJSON.decode(VersionText.self, from: Array(response.body.readableBytesView))
                    .version
                #expect(version.split(separator: ".").count == 3)
                #expect(version.split(separator: ".").allSatisfy { Int($0) != nil })
            }
        }
    }

    @Test("the v0 endpoints and the operator API answer with Mesos' names, also without an Accept header")
    func stateAndOperator() async throws {
        let app = await leadingApp()
        try await app.test(.router) { client in
            for path in [
                "/master/state", "/state", "/master/state-summary", "/master/frameworks", "/master/slaves",
                "/master/tasks", "/master/roles", "/metrics/snapshot",
            ] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok, "\(path)") }
            }
            try await client.execute(uri: "/master/state", method: .get) { response in
                let text = String(buffer: response.body)
                for field in [
                    "\"leader_info\"", "\"slaves\"", "\"frameworks\"", "\"activated_slaves\"", "\"start_time\"",
                ] {
                    #expect(text.contains(field), "\(field) missing")
                }
            }
            for path in ["/api/v1", "/api/v1/operator"] {
                try await client.execute(
                    uri: path, method: .post, headers: Self.json, body: ByteBuffer(string: "{\"type\":\"GET_HEALTH\"}")
                ) {
                    #expect(
                        String(buffer: $0.body) == "{\"get_health\":{\"healthy\":true},\"type\":\"GET_HEALTH\"}"
                            || String(buffer: $0.body).contains("\"healthy\":true"))
                }
            }
            for type in [
                "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_ROLES", "GET_MASTER", "GET_VERSION",
                "GET_EXECUTORS",
            ] {
                try await client.execute(
                    uri: "/api/v1", method: .post, headers: Self.json,
                    body: ByteBuffer(string: "{\"type\":\"\(type)\"}")
                ) { response in
                    #expect(response.status == .ok, "\(type)")
                    let decoded = try MesosJSON.decode(
                        Mesos.OperatorResponse.self, from: Array(response.body.readableBytesView))
                    #expect(decoded.type.rawValue == type)
                }
            }
            try await client.execute(
                uri: "/api/v1", method: .post, headers: Self.json,
                body: ByteBuffer(string: "{\"type\":\"DRAIN_EVERYTHING\"}")
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test("SUBSCRIBE streams chunked RecordIO with a Mesos-Stream-Id, although the request said Connection: close")
    func subscribeStream() async throws {
        let app = await leadingApp()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let body = Array(
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}".utf8)
            let request = HTTPRequestSpec.json(
                host: "127.0.0.1", port: port, target: "/api/v1/scheduler", body: body,
                headers: [("Connection", "close")])
            let (streamID, events) = try await HTTPClient.withResponse(request) {
                head, chunks -> (String, [Mesos.SchedulerEvent]) in
                #expect(head.status == 200)
                #expect(head.header("Transfer-Encoding")?.lowercased() == "chunked")
                #expect(head.header("Content-Length") == nil)
                var records = RecordStream(chunks)
                var events: [Mesos.SchedulerEvent] = []
                while events.count < 2, let record = try await records.next() {
                    events.append(try MesosJSON.decode(Mesos.SchedulerEvent.self, from: record))
                }
                return (head.header("Mesos-Stream-Id") ?? "", events)
            }
            #expect(!streamID.isEmpty)
            #expect(events.map(\.type) == [.subscribed, .heartbeat])
            #expect(events.first?.subscribed?.frameworkID.value == "M-0000")
        }
    }
}

extension MasterRoutesTests {
    @Test(
        "the operator SUBSCRIBE stream starts with SUBSCRIBED holding the state, then tells of a framework subscribing")
    func operatorStream() async throws {
        let app = await leadingApp()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let subscribe = HTTPRequestSpec.json(
                host: "127.0.0.1", port: port, target: "/api/v1", body: Array("{\"type\":\"SUBSCRIBE\"}".utf8))
            let types = try await HTTPClient.withResponse(subscribe) { head, chunks -> [String] in
                #expect(head.status == 200)
                var records = RecordStream(chunks)
                var types: [String] = []
                while types.count < 3, let record = try await records.next() {
                    let event = try MesosJSON.decode(Mesos.OperatorEvent.self, from: record)
                    types.append(event.type.rawValue)
                    if event.type == .subscribed {
                        #expect(event.subscribed?.getState != nil)
                        let framework = Array(
                            "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}"
                                .utf8)
                        Task {
                            try? await HTTPClient.withResponse(
                                .json(host: "127.0.0.1", port: port, target: "/api/v1/scheduler", body: framework)
                            ) { _, chunks in
                                _ = try await chunks.next()
                            }
                        }
                    }
                }
                return types
            }
            #expect(types == ["SUBSCRIBED", "HEARTBEAT", "FRAMEWORK_ADDED"])
        }
    }
}

extension MasterRoutesTests {
    @Test("an agent posts its calls one at a time or in a batch; a REGISTER or a bad call in a batch gets 400")
    func agentCallBatches() async throws {
        let app = await leadingApp()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let info = Mesos.AgentInfo(hostname: "a", resources: [Mesos.Resource](try Resources(parsing: "cpus:1")))
            let register = HTTPRequestSpec.json(
                host: "127.0.0.1", port: port, target: AgentProtocolVersion.path,
                body: MesosJSON.encode(AgentCall(type: .register, register: .init(agentInfo: info))))
            try await HTTPClient.withResponse(register) { head, chunks in
                #expect(head.status == 200)
                let streamID = try #require(head.header(AgentProtocolVersion.streamIDHeader))
                var records = RecordStream(chunks)
                let registered = try MesosJSON.decode(AgentEvent.self, from: try #require(try await records.next()))
                let agentID = try #require(registered.registered?.agentID)
                let message = AgentCall(
                    type: .message, agentID: agentID,
                    message: .init(frameworkID: "F", executorID: "e", data: Mesos.Bytes([1])))
                let again = AgentCall(type: .register, agentID: agentID, register: .init(agentInfo: info))
                let connection = HTTPConnection(host: "127.0.0.1", port: port)
                defer { connection.close() }
                let headers = [
                    ("Content-Type", "application/json"), (AgentProtocolVersion.streamIDHeader, streamID),
                ]
                for (calls, status) in [
                    ([message], 202), ([message, message, message], 202), ([message, again], 400),
                ] {
                    let (answer, body) = try await connection.send(
                        target: AgentProtocolVersion.path, headers: headers,
                        body: MesosJSON.encode(AgentCallBatch(calls)))
                    #expect(answer.status == status, "\(calls.map(\.type)): \(String(decoding: body, as: UTF8.self))")
                }
                let (answer, body) = try await connection.send(
                    target: AgentProtocolVersion.path, headers: headers,
                    body: Array("[\(String(decoding: MesosJSON.encode(message), as: UTF8.self)), {\"type\": 1}]".utf8))
                #expect(answer.status == 400)
                #expect(String(decoding: body, as: UTF8.self).contains("[1]"))
            }
        }
    }
}

struct VersionText: Decodable {
    var version: String
}
