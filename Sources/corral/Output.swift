import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Lines to standard output, written at once (not held in stdio's buffer when the output
/// is a pipe or a file): `corral up`, `execute` and `cluster` report as things happen.
enum Output {
    static func line(_ text: String) {
        let clearProgress = progressShown.withLockedValue { shown in
            defer { shown = false }
            return shown
        }
        write((clearProgress ? "\r\u{1B}[K" : "") + text + "\n")
    }

    /// A live progress line: rewritten in place on a terminal, printed as a line of its
    /// own elsewhere (only when it changes, so a log stays short).
    static func progress(_ text: String) {
        if isatty(1) != 0 {
            write("\r\u{1B}[K" + text)
            progressShown.withLockedValue { $0 = true }
        } else if lastProgress.withLockedValue({ $0 != text }) {
            write(text + "\n")
        }
        lastProgress.withLockedValue { $0 = text }
    }

    private static let progressShown = NIOLockedValueBox(false)
    private static let lastProgress = NIOLockedValueBox("")

    private static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
