import ClusterEdge
import HTTPTypes
import Hummingbird
import KeeperClient
import KeeperProtocol

/// `GET /corral/v1/keeper/znode?path=P`, `/corral/v1/keeper/ensemble` (each server's
/// `mntr`) and `/corral/v1/masters` (the masters contending, the leader first): Keeper as
/// the web UI shows it, from any master (a standby too). A master without `--zk` answers
/// 404. An authorised operator may also write: `POST ?path=P` creates P with the body as
/// its data, `PUT ?path=P&version=V` sets its data, `DELETE ?path=P&version=V` removes it
/// (version -1, or none, for any); never under the masters' own path. Writes carry
/// `Content-Type: application/octet-stream`, which no cross-site form can send.
struct KeeperEndpoint: Sendable {
    let browser: KeeperBrowser?
    let access: MasterAccess
    /// The largest data a write may carry (Keeper's jute.maxbuffer allows about 1 MiB).
    static let dataBytesMax = 1 << 20

    func znode(_ request: Request) async -> Response {
        guard let browser else { return Self.noKeeper }
        let path = request.uri.queryParameters["path"].map(String.init) ?? "/"
        guard PathRules.isValid(path) else {
            return HTTPReplies.text(.badRequest, "Not a znode path: \(path)")
        }
        do {
            guard case .object(var view) = try await browser.znode(path) else { return Self.noKeeper }
            let writable = access.znodeWriteRefusal(request, path: path) == nil && !browser.isMastersOwn(path)
            view.append(("writable", .bool(writable)))
            return HTTPReplies.json(JSONValue.object(view).serialized)
        } catch let error as KeeperError where error.code == .noNode {
            return HTTPReplies.text(.notFound, "No znode at \(path)")
        } catch let error as KeeperError where error.code == .noAuth {
            return HTTPReplies.text(.forbidden, "Keeper refuses to show \(path) to the master: \(error)")
        } catch {
            await browser.reset()
            return HTTPReplies.text(.serviceUnavailable, "Keeper did not answer: \(error); try again")
        }
    }

    /// POST, PUT and DELETE of a znode, for an operator the access rules allow.
    func write(_ request: Request) async -> Response {
        guard let browser else { return Self.noKeeper }
        var request = request
        let path = request.uri.queryParameters["path"].map(String.init) ?? ""
        guard PathRules.isValid(path), path != "/" else {
            return HTTPReplies.text(.badRequest, "Not a znode path one may write: '\(path)'")
        }
        if let refusal = access.znodeWriteRefusal(request, path: path) { return refusal }
        // A browser sends a logged-in operator's credentials with any site's form too; a
        // form cannot send this content type, and a script of another site would need a
        // CORS preflight the master never answers.
        guard request.headers[.contentType] == "application/octet-stream" else {
            return HTTPReplies.text(
                .unsupportedMediaType, "Keeper writes take Content-Type: application/octet-stream (the znode's bytes)")
        }
        if browser.isMastersOwn(path) {
            return HTTPReplies.text(
                .forbidden, "\(path) is the masters' election or registry; it is not written from the web UI")
        }
        let given = request.uri.queryParameters["version"].map(String.init)
        guard let version = given.map({ Int32($0) }) ?? -1 else {
            return HTTPReplies.text(.badRequest, "version must be a znode version (an integer), or -1 for any")
        }
        let change: KeeperBrowser.Change
        do {
            switch request.method {
            case .post: change = .create(data: try await HTTPReplies.body(of: &request, limit: Self.dataBytesMax))
            case .put:
                change = .setData(try await HTTPReplies.body(of: &request, limit: Self.dataBytesMax), version: version)
            case .delete: change = .delete(version: version)
            default: return HTTPReplies.methodNotAllowed(request, allowed: [.get, .post, .put, .delete])
            }
        } catch {
            return HTTPReplies.text(.contentTooLarge, "A znode's data is at most \(Self.dataBytesMax) bytes")
        }
        do {
            try await browser.change(path, change)
            return Response(status: request.method == .post ? .created : .ok)
        } catch let error as KeeperError {
            return Self.refusal(error, path)
        } catch {
            await browser.reset()
            return HTTPReplies.text(.serviceUnavailable, "Keeper did not answer: \(error); try again")
        }
    }

    private static func refusal(_ error: KeeperError, _ path: String) -> Response {
        switch error.code {
        case .noNode: HTTPReplies.text(.notFound, "No znode at \(path) (or its parent)")
        case .nodeExists: HTTPReplies.text(.conflict, "\(path) exists already")
        case .badVersion: HTTPReplies.text(.conflict, "\(path) changed since it was read; read it again")
        case .notEmpty: HTTPReplies.text(.conflict, "\(path) has children; remove them first")
        case .noAuth: HTTPReplies.text(.forbidden, "Keeper's ACL of \(path) refuses the masters: \(error)")
        default: HTTPReplies.text(.badRequest, "Keeper refused: \(error)")
        }
    }

    func masters() async -> Response {
        guard let browser else { return Self.noKeeper }
        do {
            return HTTPReplies.json(try await browser.masters().serialized)
        } catch {
            await browser.reset()
            return HTTPReplies.text(.serviceUnavailable, "Keeper did not answer: \(error); try again")
        }
    }

    func ensemble() async -> Response {
        guard let browser else { return Self.noKeeper }
        return HTTPReplies.json(await browser.ensemble().serialized)
    }

    static let noKeeper = HTTPReplies.text(.notFound, "This master runs without Keeper (no --zk)")
}
