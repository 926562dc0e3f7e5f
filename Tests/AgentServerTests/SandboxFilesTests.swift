import Testing

@testable import AgentServer

@Suite("sandbox files: what /files/* may reach")
struct SandboxFilesTests {
    static let root = "/w/slaves"
    static let sandbox = "/w/slaves/A/frameworks/F/executors/E/runs/C"

    @Test("a sandbox and what lies in it are served; its parents and everything else are not")
    func containment() {
        #expect(SandboxFiles.sandbox(of: Self.sandbox, root: Self.root) != nil)
        #expect(SandboxFiles.sandbox(of: Self.sandbox + "/stdout", root: Self.root) != nil)
        #expect(SandboxFiles.sandbox(of: "/w/slaves/A/frameworks/F/executors/E/runs", root: Self.root) == nil)
        #expect(SandboxFiles.sandbox(of: "/w/slaves/A/frameworks/F/executors", root: Self.root) == nil)
        #expect(SandboxFiles.sandbox(of: "/w/slaves", root: Self.root) == nil)
        #expect(SandboxFiles.sandbox(of: "/w/slavesX/A/frameworks/F/executors/E/runs/C", root: Self.root) == nil)
        #expect(SandboxFiles.sandbox(of: "/etc/passwd", root: Self.root) == nil)
        #expect(SandboxFiles.sandbox(of: "/w/slaves/A/other/F/executors/E/runs/C", root: Self.root) == nil)
    }

    @Test("a path in a sandbox names its framework and executor, which access_sandboxes judges")
    func owner() {
        let owner = SandboxFiles.sandbox(of: Self.sandbox + "/sub/stdout", root: Self.root)
        #expect(owner?.framework == "F" && owner?.executor == "E")
    }

    @Test("`..` is collapsed before the check, so it cannot climb out")
    func normalization() {
        #expect(SandboxFiles.normalized(Self.sandbox + "/../../..") == "/w/slaves/A/frameworks/F/executors")
        #expect(SandboxFiles.normalized("/a//b/./c/../d") == "/a/b/d")
        #expect(SandboxFiles.normalized("/../../etc") == "/etc")
        let climbing = SandboxFiles.normalized(Self.sandbox + String(repeating: "/..", count: 20) + "/etc/passwd")
        #expect(SandboxFiles.sandbox(of: climbing, root: Self.root) == nil)
    }

    @Test("a path outside is refused with 403 before it is looked up, existing or not")
    func refusedWithoutLooking() {
        let files = SandboxFiles(root: "/nonexistent-root/slaves")
        for path in ["/etc/passwd", "/no/such/file", "/nonexistent-root/slaves/A/frameworks"] {
            guard case .failure(let error) = files.resolve(path) else {
                Issue.record("\(path) was not refused")
                continue
            }
            #expect(error.status == .forbidden, "\(path): \(error.status)")
        }
    }
}
