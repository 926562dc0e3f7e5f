import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// With CORRAL_EXIT_WITH_PARENT=PID in its environment, a server exits once process PID
/// (the test run that started it) is gone, so a run that crashes leaves no servers
/// behind. The kernel's parent-death signal would not do: it fires when the starting
/// *thread* ends, and tests start servers from short-lived threads.
enum ParentWatch {
    static func startIfAsked(logger: Logger) {
        guard let value = getenv("CORRAL_EXIT_WITH_PARENT"), let parent = pid_t(String(cString: value)), parent > 1
        else { return }
        Task.detached {
            while true {
                if isGone(parent) {
                    logger.warning("process \(parent), which started this server, is gone; exiting")
                    exit(1)
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// No such process, or only its exit status is left (a zombie its parent has not reaped).
    private static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        // "pid (comm) state …": the state follows the last ')'.
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(after: close)...].trimmingPrefix(" ").first == "Z"
    }
}
