import Foundation
import KeeperTestSupport
import Testing

@Suite("a server started for tests", .serialized)
struct ParentWatchTests {
    @Test("with CORRAL_EXIT_WITH_PARENT=PID it exits once that process is gone", .timeLimit(.minutes(1)))
    func exitsWithParent() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "corral-parent-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try KeeperProcess.freePort()
        try "clientPort=\(port)\nclientPortAddress=127.0.0.1\n".write(
            toFile: directory + "/keeper.conf", atomically: true, encoding: .utf8)
        // A shell starts the server in the background, writes its pid to a file and exits.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = [
            "-c",
            "CORRAL_EXIT_WITH_PARENT=$$ \"$0\" keeper --config \"$1\" > \"$2\" 2>&1 < /dev/null & echo $! > \"$3\"",
            KeeperProcess.binary, directory + "/keeper.conf", directory + "/keeper.log", directory + "/pid",
        ]
        try await onThread {
            try shell.run()
            shell.waitUntilExit()
        }
        let text = try String(contentsOfFile: directory + "/pid", encoding: .utf8)
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        var gone = false
        for _ in 0..<100 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            gone = kill(pid, 0) != 0
        }
        if !gone { kill(pid, SIGKILL) }
        #expect(gone, "the orphaned server \(pid) was still running 10 s after its parent exited")
        let log = (try? String(contentsOfFile: directory + "/keeper.log", encoding: .utf8)) ?? ""
        #expect(log.contains("which started this server, is gone; exiting"), "\(log)")
    }
}
