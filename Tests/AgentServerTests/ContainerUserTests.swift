import Foundation
import Testing

@testable import AgentServer

/// Switching users needs root, as it does in Mesos; the suite runs as root in CI.
@Suite("containers run as their task's user", .timeLimit(.minutes(2)), .enabled(if: geteuid() == 0))
struct ContainerUserTests {
    @Test(
        "a container for 'nobody' runs as nobody, in its groups, in a sandbox it owns, through cgroups and the wait shim"
    )
    func runsAsTheUser() async throws {
        for (isolation, waitShim) in [(ContainerIsolationMode.automatic, true), (.none, false)] {
            try await ContainerTestBed.with(isolation: isolation, waitShim: waitShim) { bed in
                var spec = bed.spec(
                    "as-nobody", ["/bin/sh", "-c", "id -un; id -gn; stat -c %U .; touch mine; stat -c %U mine"])
                spec.user = "nobody"
                _ = try await bed.containerizer.launch(spec)
                let termination = try await bed.wait("as-nobody")
                #expect(termination.ending == .exited(status: 0), "\(bed.read("as-nobody", "stderr"))")
                let group = String(cString: getgrgid(getpwnam("nobody").pointee.pw_gid).pointee.gr_name)
                #expect(bed.read("as-nobody", "stdout") == "nobody\n\(group)\nnobody\nnobody\n")
                let owner = try FileManager.default.attributesOfItem(atPath: spec.sandbox + "/stdout")[
                    .ownerAccountName]
                #expect(owner as? String == "nobody")
            }
        }
    }

    @Test("root is refused unless allowed, and an unknown user is refused, each saying what to do")
    func refusals() async throws {
        try await ContainerTestBed.with(rootTasksAllowed: false) { bed in
            var root = bed.spec("as-root", ["/bin/true"])
            root.user = "root"
            await #expect {
                _ = try await bed.containerizer.launch(root)
            } throws: { "\($0)".contains("--allow-root-tasks") }
            var unknown = bed.spec("as-ghost", ["/bin/true"])
            unknown.user = "no-such-user-here"
            await #expect {
                _ = try await bed.containerizer.launch(unknown)
            } throws: { "\($0)".contains("there is no user 'no-such-user-here'") }
        }
        try await ContainerTestBed.with(rootTasksAllowed: true) { bed in
            var root = bed.spec("as-root", ["/bin/sh", "-c", "id -u"])
            root.user = "root"
            _ = try await bed.containerizer.launch(root)
            _ = try await bed.wait("as-root")
            #expect(bed.read("as-root", "stdout") == "0\n")
        }
    }

    @Test("a health check runs as the task's user; without one, a root agent needs root allowed")
    func healthChecks() async throws {
        try await ContainerTestBed.with(rootTasksAllowed: false) { bed in
            let sandbox = bed.directory + "/checked"
            try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
            let asNobody = await bed.containerizer.runHealthCheck(
                argv: ["/bin/sh", "-c", "test \"$(id -un)\" = nobody"], environment: ["PATH": "/usr/bin:/bin"],
                sandbox: sandbox, timeout: .seconds(10), user: "nobody")
            #expect(asNobody.passed, "\(asNobody.message)")
            let asRoot = await bed.containerizer.runHealthCheck(
                argv: ["/bin/true"], environment: [:], sandbox: sandbox, timeout: .seconds(10), user: nil)
            #expect(!asRoot.passed && asRoot.message.contains("--allow-root-tasks"))
        }
    }
}
