import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

extension Containerizer {
    /// Runs a task's health check once, beside the task: `argv` in `sandbox` with
    /// `environment`, its output appended to the sandbox's `health_check.log`, in a
    /// process group of its own that is killed at `timeout`, as the task's `user` (the same
    /// rules as the task's own launch: root only when allowed). Passed on exit status 0;
    /// else the reason (the exit status or signal, the timeout, a spawn that failed).
    public func runHealthCheck(
        argv: [String], environment: [String: String], sandbox: String, timeout: Duration, user: String? = nil
    ) async -> (passed: Bool, message: String) {
        let pid: Int32
        do {
            let account = try ContainerUser.forContainer(user, rootAllowed: rootTasksAllowed)
            let executable = try ContainerSpawner.resolve(
                argv[0], searchPath: environment["PATH"] ?? ContainerSpec.defaultSearchPath, directory: sandbox)
            let log = sandbox + "/health_check.log"
            let program = [executable] + argv.dropFirst()
            pid = try ContainerSpawner.spawn(
                ContainerSpawner.Request(
                    executable: account == nil ? executable : ContainerUser.setpriv,
                    argv: account?.wrap(program) ?? argv, environment: environment, directory: sandbox,
                    stdoutPath: log, stderrPath: log, statusPipe: nil))
        } catch {
            return (false, "cannot run the check: \(error)")
        }
        let reaper = self.reaper
        return await withCheckedContinuation { continuation in
            let answer = NIOLockedValueBox<CheckedContinuation<(passed: Bool, message: String), Never>?>(continuation)
            // Whichever comes first, the exit or the timeout, decides; under one lock, so a
            // check that exited in time is never reported timed out, and a check reaped is
            // never signalled.
            let race = NIOLockedValueBox<(ended: Bool, timedOut: Bool)>((false, false))
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                let expired = race.withLockedValue { race -> Bool in
                    guard !race.ended else { return false }
                    race.timedOut = true
                    return true
                }
                if expired { reaper.signal(pid: pid, SIGKILL) }
            }
            do {
                try reaper.register(pid: pid) { status in
                    timer.cancel()
                    let timedOut = race.withLockedValue { race -> Bool in
                        race.ended = true
                        return race.timedOut
                    }
                    let outcome: (Bool, String)
                    if timedOut {
                        outcome = (false, "no answer within \(timeout)")
                    } else if let status, status & 0x7f == 0 {
                        let code = (status >> 8) & 0xff
                        outcome = (code == 0, code == 0 ? "exited with status 0" : "exited with status \(code)")
                    } else {
                        outcome = (false, status.map { "killed by signal \($0 & 0x7f)" } ?? "its end was not seen")
                    }
                    answer.withLockedValue { $0.take() }?.resume(returning: outcome)
                }
            } catch {
                timer.cancel()
                _ = Glibc.kill(-pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                answer.withLockedValue { $0.take() }?.resume(returning: (false, "cannot watch the check: \(error)"))
            }
        }
    }
}
