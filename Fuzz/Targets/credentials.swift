import ClusterEdge

/// What Corral reads to decide who is asking: an `Authorization: Basic` header, Mesos'
/// credentials files (JSON or text), Apps' users file and `--http-credentials`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    let text = String(decoding: input, as: UTF8.self)
    switch kind % 4 {
    case 0:
        let basic = BasicAuthentication([Credential(principal: "ops", secret: "ops-secret")])
        _ = basic.check(authorization: text)
        _ = basic.check(authorization: "Basic " + text)
    case 1: _ = try? CredentialFile.parse(input, flag: "--credentials")
    case 2:
        if let users = try? AppsUsersFile.parse(input) {
            _ = AppsAuthentication(users: users).check(authorization: "Basic b3BzOm9wcy1zZWNyZXQ=")
        }
    default: _ = try? AppsUsersFile.credentials(text)
    }
    return 0
}
