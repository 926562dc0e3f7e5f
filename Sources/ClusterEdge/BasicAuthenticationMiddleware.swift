import HTTPTypes
import Hummingbird

/// In front of every route of a daemon: a request its realms say needs credentials is
/// answered 401 with a Basic challenge unless its HTTP Basic credentials are right.
public struct BasicAuthenticationMiddleware: RouterMiddleware {
    public typealias Context = BasicRequestContext

    private let basic: BasicAuthentication
    private let requires: @Sendable (_ path: String, _ method: HTTPRequest.Method) -> Bool

    /// `requires` is given the path as the router matches it (`canonical`).
    public init(
        _ credentials: [Credential],
        requires: @escaping @Sendable (_ path: String, _ method: HTTPRequest.Method) -> Bool
    ) {
        basic = BasicAuthentication(credentials)
        self.requires = requires
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if requires(Self.canonical(request.uri.path), request.method),
            let refusal = Self.refusal(basic.check(authorization: request.headers[.authorization]))
        {
            return refusal
        }
        return try await next(request, context)
    }

    /// The path as the router matches it: empty segments dropped (`//api/v1/` is
    /// `/api/v1`), so that no spelling of a path reaches a handler in another realm.
    public static func canonical(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// 401 for credentials missing or wrong; nil for a proven principal.
    public static func refusal(_ outcome: BasicAuthentication.Outcome) -> Response? {
        switch outcome {
        case .authenticated: nil
        case .missing: unauthorized("This endpoint needs credentials (HTTP Basic: principal and secret)")
        case .refused: unauthorized("The principal is unknown or its secret is wrong")
        }
    }

    private static func unauthorized(_ message: String) -> Response {
        HTTPReplies.text(.unauthorized, message, headers: [.wwwAuthenticate: BasicAuthentication.challenge])
    }
}
