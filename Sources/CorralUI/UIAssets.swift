/// The web UI's files, compiled into the binary (SwiftPM's `embedInCode`): no files to
/// install, nothing fetched from the internet, no build step. Served under `/ui/NAME`.
public enum UIAssets {
    public struct Asset: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
    }

    /// Every file by the name the page asks for.
    public static let files: [String: Asset] = [
        "index.html": html(PackageResources.index_html),
        "style.css": Asset(bytes: PackageResources.style_css, contentType: "text/css; charset=utf-8"),
        "app.js": script(PackageResources.app_js),
        "api.js": script(PackageResources.api_js),
        "dom.js": script(PackageResources.dom_js),
        "table.js": script(PackageResources.table_js),
        "chart.js": script(PackageResources.chart_js),
        "model.js": script(PackageResources.model_js),
        "overview.js": script(PackageResources.overview_js),
        "agents.js": script(PackageResources.agents_js),
        "frameworks.js": script(PackageResources.frameworks_js),
        "tasks.js": script(PackageResources.tasks_js),
        "keeper.js": script(PackageResources.keeper_js),
        "apps.js": script(PackageResources.apps_js),
        "signin.js": script(PackageResources.signin_js),
    ]

    private static func html(_ bytes: [UInt8]) -> Asset { Asset(bytes: bytes, contentType: "text/html; charset=utf-8") }

    private static func script(_ bytes: [UInt8]) -> Asset {
        Asset(bytes: bytes, contentType: "text/javascript; charset=utf-8")
    }
}
