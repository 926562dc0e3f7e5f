import Foundation
import NIOConcurrencyHelpers

/// Where zkcli writes: results to standard output, one-line errors to standard error.
public protocol Terminal: Sendable {
    func out(_ line: String)
    func err(_ line: String)
    /// Text without a newline (the shell's prompt).
    func prompt(_ text: String)
}

/// The process's own stdout and stderr.
public struct StandardTerminal: Terminal {
    public init() {}

    public func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func prompt(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Keeps what was written, for tests and for callers that want the text.
public final class CapturedTerminal: Terminal {
    private let text = NIOLockedValueBox<(out: String, err: String)>(("", ""))

    public init() {}

    public var stdout: String { text.withLockedValue { $0.out } }
    public var stderr: String { text.withLockedValue { $0.err } }

    public func out(_ line: String) { text.withLockedValue { $0.out += line + "\n" } }
    public func err(_ line: String) { text.withLockedValue { $0.err += line + "\n" } }
    public func prompt(_ text: String) { self.text.withLockedValue { $0.out += text } }
}
