import AppsCore
import ClusterEdge
import HTTPTypes
import Hummingbird

/// A request to the REST API as the endpoints read it: the path's segments with empty ones
/// dropped (the marathon client sends `/v2/apps//web`), the query's values, and the body.
struct APIRequest {
    var request: Request
    /// The path's segments, without empty ones: `/v2/apps//prod/web` is v2, apps, prod, web.
    let segments: [String]
    private let query: [(key: String, value: String)]
    /// What the request's user may do; everything when Apps authenticates nobody.
    var access = AppsAccess.unrestricted

    init(_ request: Request) {
        self.request = request
        segments = request.uri.path.split(separator: "/").map(String.init)
        query = request.uri.queryParameters.map { (String($0.key), String($0.value).replacingPluses()) }
    }

    var method: HTTPRequest.Method { request.method }

    /// Every value of `name` (`embed=a&embed=b`; `name[]` counts as `name`).
    func values(_ name: String) -> [String] {
        query.filter { $0.key == name || $0.key == name + "[]" }.map(\.value)
    }

    func value(_ name: String) -> String? { values(name).first }

    /// A boolean parameter: `true`/`false` in any case (the marathon client sends
    /// `True`), `default` when absent; nil when it is something else.
    func flag(_ name: String, default fallback: Bool) -> Bool? {
        guard let text = value(name) else { return fallback }
        switch text.lowercased() {
        case "true", "": return true
        case "false": return false
        default: return nil
        }
    }

    /// 403 unless the request's user may do `operation` on `id`.
    func permit(_ operation: AppsPermission.Operation, _ id: AppID) throws(MarathonError) {
        guard access.allows(operation, id) else { throw .forbidden(user: access.user, operation, id) }
    }

    /// The body, at most `limit` bytes (413 beyond).
    mutating func body(limit: Int) async throws -> [UInt8] {
        try await HTTPReplies.body(of: &request, limit: limit)
    }
}

extension String {
    /// `+` as a space, as form-encoded query values write it.
    fileprivate func replacingPluses() -> String {
        contains("+") ? String(map { $0 == "+" ? " " : $0 }) : self
    }
}
