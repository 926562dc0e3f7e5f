/// One invalid field of a request, in Marathon's 422 shape: `{"path": "/instances",
/// "errors": ["got -1, expected 0 or more"]}`.
public struct ValidationProblem: Sendable, Equatable, Error {
    public var path: String
    public var errors: [String]

    public init(path: String, _ errors: String...) {
        self.path = path
        self.errors = errors
    }
}
