import ClusterEdge
import HTTPTypes
import Hummingbird

/// A standby master answers API calls by pointing at the leader, as Mesos does: 307 with
/// `Location: //leader-host:port/path`, or 503 while no leader is known.
enum Redirect {
    static func ifStandingBy(_ host: MasterHost, _ request: Request) -> Response? {
        guard case .standby(let leader) = host.role else { return nil }
        if let leader, host.isLeaderSilent {
            return HTTPReplies.text(
                .serviceUnavailable,
                "The leading master at \(leader.host):\(leader.port) does not answer; try again shortly")
        }
        return to(leader, request)
    }

    /// To the same path on the leader; `keepPath: false` to the leader itself, as
    /// `/master/redirect` answers.
    static func to(_ leader: HostPort?, _ request: Request, keepPath: Bool = true) -> Response {
        guard let leader else {
            return HTTPReplies.text(.serviceUnavailable, "No master is currently leading; try again shortly")
        }
        let target = keepPath ? request.uri.path + (request.uri.query.map { "?" + $0 } ?? "") : ""
        return Response(status: .temporaryRedirect, headers: [.location: "//\(leader.host):\(leader.port)\(target)"])
    }

    /// This master stopped leading while the request was in flight.
    static let leadershipLost = HTTPReplies.text(.serviceUnavailable, "This master is no longer leading; try again")
}
