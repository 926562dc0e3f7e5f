import Hummingbird

extension Router {
    /// The web UI: `/` is its page, `/ui/NAME` its files. `page` answers `/` instead when it
    /// returns a response (a standby master redirects the browser to the leader's UI).
    public func addUI(page: @escaping @Sendable (Request) -> Response? = { _ in nil }) {
        get("/") { request, _ in page(request) ?? UIAssets.response("index.html") }
        get("/ui/:name") { _, context in UIAssets.response(context.parameters.get("name") ?? "") }
    }
}

extension UIAssets {
    /// The file, or 404. Browsers check again before using a cached copy (`no-cache`), so
    /// a new binary's UI is seen at once.
    static func response(_ name: String) -> Response {
        guard let asset = files[name] else {
            return Response(
                status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "No UI file \(name)\n")))
        }
        return Response(
            status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
