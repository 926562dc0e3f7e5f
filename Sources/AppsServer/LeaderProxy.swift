import ClusterEdge
import HTTPTypes
import Hummingbird
import NIOCore

/// A standby's answer to an API call: the call forwarded to the leading instance and its
/// answer sent back, as Marathon's standbys do (a client that does not follow redirects
/// works against any instance). The event stream is redirected instead (307): it lasts,
/// and the marathon client follows a redirect for it.
enum LeaderProxy {
    /// How long the leader may take to answer a forwarded call
    /// (Marathon's `--leader_proxy_read_timeout_ms` is 10 s; a deployment answer waits for Keeper).
    static let timeout: Duration = .seconds(30)
    /// The largest answer forwarded.
    static let answerBytesMax = 64 << 20

    static let forwardedHeaders: [HTTPField.Name] = [.contentType, .accept, .authorization]
    /// Set on a forwarded call: an instance that would forward it again (its view of the
    /// leader is stale, or two instances announce one address) answers 503 instead of
    /// looping.
    static let forwardedMark = HTTPField.Name("X-Corral-Forwarded")!
    static let returnedHeaders = ["Content-Type", "Location", "Marathon-Deployment-Id"]

    static func forward(_ request: inout Request, to leader: HostPort, bodyLimit: Int) async throws -> Response {
        if request.uri.path.split(separator: "/").starts(with: ["v2", "events"]) {
            return Response(
                status: .temporaryRedirect,
                headers: [.location: "\(ClusterTLS.scheme)://\(leader)\(request.uri.string)"])
        }
        if request.headers[forwardedMark] != nil {
            throw MarathonError.unavailable(
                "This call was forwarded to an instance that does not lead either; the leader may be changing: try again"
            )
        }
        let body = try await HTTPReplies.body(of: &request, limit: bodyLimit)
        var headers: [(String, String)] = [(forwardedMark.canonicalName, "1")]
        for name in forwardedHeaders {
            if let value = request.headers[name] { headers.append((name.canonicalName, value)) }
        }
        let spec = HTTPRequestSpec(
            method: request.method.rawValue, host: leader.host, port: leader.port, target: request.uri.string,
            headers: headers, body: body)
        let answer: (head: HTTPResponseHead, body: [UInt8])
        do {
            answer = try await HTTPClient.send(spec, bodyBytesMax: answerBytesMax, timeout: timeout)
        } catch {
            throw MarathonError(
                status: 503,
                body: .object([("message", .string("Could not reach the leading Apps instance at \(leader): \(error)"))]
                ))
        }
        var fields = HTTPFields()
        for name in returnedHeaders {
            if let value = answer.head.header(name), let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.head.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
