#if canImport(Glibc)
    import Glibc
#endif

/// Lines to standard output, written at once (not held in stdio's buffer when the output
/// is a pipe or a file): `corral up`, `execute` and `cluster` report as things happen.
enum Output {
    static func line(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
