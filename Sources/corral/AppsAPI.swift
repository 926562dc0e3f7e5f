import ArgumentParser
import ClusterEdge

/// The REST API of an Apps instance, for `corral apps list|show|…`: any instance answers
/// (a standby forwards to the leader).
struct AppsAPI: ParsableArguments {
    @Option(
        name: .customLong("apps"),
        help: "An Apps instance: http://HOST:PORT, HOST:PORT, or https://HOST:PORT with LIBPROCESS_SSL_ENABLED=true.")
    var url = "http://127.0.0.1:8080"

    @Flag(help: "Print the API's JSON instead of a table or a summary.")
    var json = false

    @Option(
        name: .customLong("user"),
        help: "USER:PASSWORD for an Apps that asks for credentials (its --http-credentials or --http-users).")
    var user: String?

    func validate() throws {
        if let user, !user.contains(":") { throw ValidationError("--user takes USER:PASSWORD") }
    }

    /// With `--user`, the header of its HTTP Basic credentials.
    var credentials: [(String, String)] {
        guard let user, let colon = user.firstIndex(of: ":") else { return [] }
        let credential = Credential(
            principal: String(user[..<colon]), secret: String(user[user.index(after: colon)...]))
        return [("Authorization", credential.authorization)]
    }

    var address: HostPort {
        get throws {
            var text = Substring(url)
            if text.hasPrefix("http://") { text = text.dropFirst(7) }
            if text.hasPrefix("https://") {
                guard ClusterTLS.process != nil else {
                    throw ValidationError(
                        "--apps \(url) speaks TLS: set LIBPROCESS_SSL_ENABLED=true and LIBPROCESS_SSL_CA_FILE to its authority"
                    )
                }
                text = text.dropFirst(8)
            }
            if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
            guard let address = HostPort(parsing: String(text)) else {
                throw ValidationError("--apps takes http://HOST:PORT, not '\(url)'")
            }
            return address
        }
    }

    /// Sends one call; the answer's status and body. A 4xx or 5xx is thrown with
    /// Marathon's message.
    func call(_ method: String, _ target: String, body: [UInt8] = []) async throws -> (status: Int, body: [UInt8]) {
        let address = try address
        let request = HTTPRequestSpec(
            method: method, host: address.host, port: address.port, target: target,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + credentials, body: body)
        let answer: (head: HTTPResponseHead, body: [UInt8])
        do {
            answer = try await HTTPClient.send(request, timeout: .seconds(60))
        } catch {
            throw CommandFailure("No answer from Apps at \(url): \(error). Is `corral apps` running there?")
        }
        guard answer.head.status < 400 else {
            let message = (try? JSONTapeDecoder().decode(Message.self, from: answer.body))?.summary
            throw CommandFailure(
                "Apps answered \(answer.head.status): \(message ?? String(decoding: answer.body, as: UTF8.self))")
        }
        return (answer.head.status, answer.body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        do {
            return try JSONTapeDecoder().decode(type, from: bytes)
        } catch {
            throw CommandFailure("Apps answered something unexpected: \(error)")
        }
    }

    /// An error body: its message, and the paths and errors of a 422.
    private struct Message: Decodable {
        var message: String
        var details: [Detail]?

        struct Detail: Decodable {
            var path: String
            var errors: [String]
        }

        var summary: String {
            ([message] + (details ?? []).map { "\($0.path): \($0.errors.joined(separator: "; "))" })
                .joined(separator: "\n  ")
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try container.decode(String.self, forKey: .message)
            details = try? container.decode([Detail].self, forKey: .details)
        }

        enum CodingKeys: String, CodingKey { case message, details }
    }
}

/// What the commands read of an app.
struct AppSummary: Decodable {
    var id: String
    var cmd: String?
    var instances: Int
    var tasksStaged: Int?
    var tasksRunning: Int?
    var tasksHealthy: Int?
    var tasksUnhealthy: Int?
    var healthChecks: [Check]?
    var deployments: [Reference]?
    var tasks: [TaskSummary]?

    struct Check: Decodable {
        var `protocol`: String?
    }

    struct Reference: Decodable {
        var id: String
    }

    /// `3/5 running, 2 healthy`.
    var progress: String {
        var text = "\(tasksRunning ?? 0)/\(instances) running"
        if !(healthChecks ?? []).isEmpty { text += ", \(tasksHealthy ?? 0) healthy" }
        if let staged = tasksStaged, staged > 0 { text += ", \(staged) staging" }
        return text
    }
}

struct TaskSummary: Decodable {
    var id: String
    var host: String
    var state: String
    var ports: [Int]?
    var startedAt: String?
    var healthCheckResults: [Health]?

    struct Health: Decodable {
        var alive: Bool
    }

    var health: String {
        guard let results = healthCheckResults, !results.isEmpty else { return "-" }
        return results.allSatisfy(\.alive) ? "healthy" : "unhealthy"
    }
}
