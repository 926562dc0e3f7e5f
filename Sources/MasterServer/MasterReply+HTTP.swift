import ClusterEdge
import HTTPTypes
import Hummingbird
import MasterCore

extension HTTPReplies {
    static func reply(_ reply: MasterReply) -> Response {
        switch reply {
        case .accepted: Response(status: .accepted)
        case .rejected(let status, let message): text(HTTPResponse.Status(code: status), message)
        case .streaming, .none: Response(status: .ok)
        }
    }
}
