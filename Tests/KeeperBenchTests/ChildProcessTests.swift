import Foundation
import Testing

@testable import KeeperBench

@Suite("benchmark child processes and number formatting")
struct ChildProcessTests {
    private func temporaryLog() -> String {
        NSTemporaryDirectory() + "/corral-child-\(UInt64.random(in: 0...UInt64.max)).log"
    }

    @Test("output goes to the log (appended), the exit code is kept")
    func exitCodeAndLog() throws {
        let log = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: log) }
        try "before\n".write(toFile: log, atomically: true, encoding: .utf8)
        let child = try ChildProcess(
            arguments: ["sh", "-c", "echo out; echo err >&2; read line; exit 3"], logPath: log)
        #expect(child.waitUntilExit() == 3)
        #expect(!child.isRunning)
        #expect(child.terminationStatus == 3)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "before\nout\nerr\n")
    }

    @Test("a signal ends it as 128 + the signal, as shells report it")
    func killedBySignal() throws {
        let log = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(arguments: ["sleep", "30"], logPath: log)
        #expect(child.isRunning)
        child.signal(SIGKILL)
        #expect(child.waitUntilExit() == 128 + SIGKILL)
    }

    @Test("a program that does not exist is an error that names it")
    func missingProgram() {
        #expect(throws: BenchError.self) {
            _ = try ChildProcess(arguments: ["corral-no-such-program"], logPath: "/dev/null")
        }
    }

    @Test("format rounds to the given decimals as printf's %.Nf does")
    func formatting() {
        #expect(format(3.14159, 2) == "3.14")
        #expect(format(1234.5678, 1) == "1234.6")
        #expect(format(0.001, 3) == "0.001")
        #expect(format(0.0004, 3) == "0.000")
        #expect(format(26613.4, 0) == "26613")
        #expect(format(-1.25, 1) == "-1.3")
        #expect(format(-0.0001, 2) == "0.00")
        #expect(format(7, 2) == "7.00")
    }
}
