import Foundation

/// The shell's command history, kept in a file (`~/.zkcli_history`) across sessions and
/// bounded to `linesMax` lines, the oldest dropped first.
public struct History: Sendable {
    public static let linesMax = 500

    public private(set) var entries: [String]
    public let file: String?
    public let linesMax: Int

    public init(file: String?, linesMax: Int = History.linesMax) {
        self.file = file
        self.linesMax = linesMax
        let text = file.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        entries = Array(text.split(separator: "\n").map(String.init).suffix(linesMax))
    }

    public static var defaultFile: String? {
        ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.zkcli_history" }
    }

    public mutating func add(_ line: String) {
        entries.append(line)
        if entries.count > linesMax { entries.removeFirst(entries.count - linesMax) }
        save()
    }

    /// The last `count` entries, numbered as zkCli does (`12 - ls /`).
    public func listing(last count: Int = 20) -> [String] {
        let start = max(entries.count - count, 0)
        return entries[start...].enumerated().map { "\(start + $0.offset) - \($0.element)" }
    }

    private func save() {
        guard let file else { return }
        try? (entries.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }
}
