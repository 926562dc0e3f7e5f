import ClusterEdge
import HTTPTypes
import Hummingbird
import KeeperClient
import KeeperProtocol

/// `GET /corral/v1/keeper/znode?path=P`, `/corral/v1/keeper/ensemble` (each server's
/// `mntr`) and `/corral/v1/masters` (the masters contending, the leader first): Keeper as
/// the web UI shows it, read-only, from any master (a standby too). A master without
/// `--zk` answers 404.
struct KeeperEndpoint: Sendable {
    let browser: KeeperBrowser?

    func znode(_ request: Request) async -> Response {
        guard let browser else { return Self.noKeeper }
        let path = request.uri.queryParameters["path"].map(String.init) ?? "/"
        guard PathRules.isValid(path) else {
            return HTTPReplies.text(.badRequest, "Not a znode path: \(path)")
        }
        do {
            return HTTPReplies.json(try await browser.znode(path).serialized)
        } catch let error as KeeperError where error.code == .noNode {
            return HTTPReplies.text(.notFound, "No znode at \(path)")
        } catch let error as KeeperError where error.code == .noAuth {
            return HTTPReplies.text(.forbidden, "Keeper refuses to show \(path) to the master: \(error)")
        } catch {
            await browser.reset()
            return HTTPReplies.text(.serviceUnavailable, "Keeper did not answer: \(error); try again")
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
