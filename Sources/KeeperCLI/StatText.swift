import Foundation
import KeeperProtocol

/// A stat as zkCli's StatPrinter prints it: zxids and the owner in hex, times as Java's
/// `Date.toString()` (`Thu Nov 26 02:40:57 UTC 2026`).
public struct StatText: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone = .current) {
        self.timeZone = timeZone
    }

    public func lines(_ stat: Stat) -> [String] {
        [
            "cZxid = 0x\(Self.hex(stat.czxid))",
            "ctime = \(date(stat.ctime))",
            "mZxid = 0x\(Self.hex(stat.mzxid))",
            "mtime = \(date(stat.mtime))",
            "pZxid = 0x\(Self.hex(stat.pzxid))",
            "cversion = \(stat.cversion)",
            "dataVersion = \(stat.version)",
            "aclVersion = \(stat.aversion)",
            "ephemeralOwner = 0x\(Self.hex(stat.ephemeralOwner))",
            "dataLength = \(stat.dataLength)",
            "numChildren = \(stat.numChildren)",
        ]
    }

    /// Java's `Long.toHexString`: the two's-complement bits, lower case, no padding.
    public static func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }

    private func date(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
