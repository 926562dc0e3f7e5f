import HTTPTypes
import Hummingbird
import NIOCore

/// Responses the master's endpoints share: Mesos answers errors as plain text.
public enum HTTPReplies {
    public static func text(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }

    public static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// 405 with the methods the path takes.
    public static func methodNotAllowed(_ request: Request, allowed: [HTTPRequest.Method]) -> Response {
        text(
            .methodNotAllowed,
            "Expecting a '\(allowed.map(\.rawValue).joined(separator: "' or '"))' request, received '\(request.method.rawValue)'",
            headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
    }

    /// The request's body, at most `limit` bytes; 413 beyond.
    public static func body(of request: inout Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "The request body is larger than \(limit) bytes")
        }
    }

    /// A stream of records (RecordIO, or server-sent events) as a chunked 200 response,
    /// JSON unless `headers` name another Content-Type; `ended` runs when the stream ends,
    /// whether the server closed it or the client went away.
    public static func stream(
        _ outbox: EventOutbox, request: Request, headers: HTTPFields, ended: @escaping @Sendable () async -> Void
    ) -> Response {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let body = ResponseBody { writer in
            do {
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    while let records = await outbox.next() {
                        try await writer.write(ByteBuffer(bytes: records))
                        outbox.written(records.count)
                    }
                }
            } catch {
                // The client went away, or the write failed: the stream ends either way.
            }
            outbox.close()
            await ended()
            try? await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

extension HTTPReplies {
    /// The request's body as the call it should be, checked as Mesos' v1 endpoints check
    /// one: JSON (415 otherwise), at most `limit` bytes (413), decodable (400, naming what
    /// is wrong). The refusal is the response to send.
    public static func call<Call: Decodable>(
        _ type: Call.Type, from request: inout Request, limit: Int
    ) async throws -> Decoded<Call> {
        if let problem = ContentNegotiation.contentTypeProblem(request) { return .refused(problem) }
        let body = try await Self.body(of: &request, limit: limit)
        do {
            return .call(try MesosJSON.decode(type, from: body))
        } catch {
            return .refused(text(.badRequest, "Failed to parse body into Call: \(error)"))
        }
    }

    /// A call decoded, or the response that refuses it.
    public enum Decoded<Call> {
        case call(Call)
        case refused(Response)
    }
}
