import ClusterProtocol

/// A call to the leading master's operator API (`POST /api/v1`), from any master's
/// address: a standby's 307 is followed to the leader. What `corral cluster`, `corral up`
/// and the benchmarks ask the master.
public enum OperatorClient {
    /// The decoded answer and its JSON text.
    public static func call(
        _ type: Mesos.OperatorCall.Kind, at master: HostPort, credential: Credential? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> (response: Mesos.OperatorResponse, json: [UInt8]) {
        let body = try await perform(
            Mesos.OperatorCall(type: type), at: master, credential: credential, timeout: timeout)
        return (try MesosJSON.decode(Mesos.OperatorResponse.self, from: body), body)
    }

    /// Sends `call` and returns the body of its 200 answer (empty for calls that change
    /// something, such as DRAIN_AGENT); any other status is thrown with its message.
    /// `credential` is presented when given (the master's `--authenticate-http-readwrite`).
    @discardableResult
    public static func perform(
        _ call: Mesos.OperatorCall, at master: HostPort, credential: Credential? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        var target = master
        for _ in 0..<3 {
            let request = HTTPRequestSpec.json(
                host: target.host, port: target.port, target: "/api/v1", body: MesosJSON.encode(call),
                headers: credential.map { [("Authorization", $0.authorization)] } ?? [])
            let (head, body) = try await HTTPClient.send(request, timeout: timeout)
            if head.status == 307, let location = head.header("Location"), let next = HostPort(location: location) {
                target = next
                continue
            }
            guard head.status == 200 else {
                throw OperatorClientError.refused(
                    master: target, status: head.status, message: String(decoding: body, as: UTF8.self))
            }
            return body
        }
        throw OperatorClientError.redirectLoop(master)
    }
}

public enum OperatorClientError: Error, CustomStringConvertible {
    case refused(master: HostPort, status: Int, message: String)
    case redirectLoop(HostPort)

    public var description: String {
        switch self {
        case .refused(let master, let status, let message): "the master at \(master) answered \(status): \(message)"
        case .redirectLoop(let master): "the masters keep redirecting from \(master); is a leader elected?"
        }
    }
}
