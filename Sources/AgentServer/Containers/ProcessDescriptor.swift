#if canImport(Glibc)
    import Glibc
#endif

/// Linux process descriptors (pidfd_open, pidfd_send_signal): a descriptor names one
/// process, never a later one that reuses its pid, and polls readable when that process
/// exits. Where the kernel or glibc lacks them, callers fall back to pids.
enum ProcessDescriptor {
    /// A close-on-exec descriptor for the process, or nil where there are none (or the
    /// process is gone).
    static func open(_ pid: Int32) -> Int32? {
        guard let open = GlibcExtensions.functions.pidfdOpen else { return nil }
        let fd = open(pid, 0)
        return fd >= 0 ? fd : nil
    }

    /// Sends `signal` to the process the descriptor names; false if it is gone.
    @discardableResult
    static func send(_ signal: Int32, to descriptor: Int32) -> Bool {
        guard let send = GlibcExtensions.functions.pidfdSendSignal else { return false }
        return send(descriptor, signal, nil, 0) == 0
    }

    static var canSendSignals: Bool { GlibcExtensions.functions.pidfdSendSignal != nil }
}
