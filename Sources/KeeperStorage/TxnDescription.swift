import KeeperCore
import KeeperProtocol

/// One-line descriptions of logged transactions, for `corral storage log`.
extension TxnEntry {
    public var summary: String {
        let header = self.header
        return "0x\(StorageFormat.hex16(header.zxid))  \(Timestamp.iso8601(milliseconds: header.time))  "
            + "session 0x\(String(UInt64(bitPattern: header.session), radix: 16))  cxid \(header.cxid)  \(txn.summary)"
    }
}

extension Txn {
    public var summary: String {
        switch self {
        case .createSession(let timeout):
            return "createSession timeout=\(timeout)ms"
        case .closeSession(let ephemerals):
            return "closeSession" + (ephemerals.isEmpty ? "" : " deleting \(ephemerals.joined(separator: " "))")
        case .create(let path, let data, let acl, let kind, let parentCVersion):
            return
                "create \(path) \(Self.describe(kind)) \(data?.count ?? 0) bytes acl=\(acl.map { "\($0.id):\($0.perms)" }.joined(separator: ",")) parentCVersion=\(parentCVersion)"
        case .delete(let path):
            return "delete \(path)"
        case .deleteContainer(let path):
            return "deleteContainer \(path)"
        case .setData(let path, let data, let version):
            return "setData \(path) \(data?.count ?? 0) bytes version=\(version)"
        case .setACL(let path, let acl, let version):
            return "setACL \(path) acl=\(acl.map { "\($0.id):\($0.perms)" }.joined(separator: ",")) aversion=\(version)"
        case .check(let path, let version):
            return "check \(path) version=\(version)"
        case .multi(let txns):
            return "multi [" + txns.map(\.summary).joined(separator: "; ") + "]"
        case .error(let code):
            return "error \(code.rawValue) (\(code))"
        }
    }

    private static func describe(_ kind: NodeKind) -> String {
        switch kind {
        case .persistent: return "persistent"
        case .ephemeral(let session): return "ephemeral(0x\(String(UInt64(bitPattern: session), radix: 16)))"
        case .container: return "container"
        case .ttl(let ms): return "ttl(\(ms)ms)"
        }
    }
}

/// UTC timestamps without Foundation.
public enum Timestamp {
    /// `2026-11-26T03:04:05.678Z` for milliseconds since 1970.
    public static func iso8601(milliseconds: Int64) -> String {
        let (days, msOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let dayNumber = msOfDay < 0 ? days - 1 : days
        let ms = msOfDay < 0 ? msOfDay + 86_400_000 : msOfDay
        let (year, month, day) = civil(fromDays: dayNumber)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(ms / 3_600_000, 2)):\(pad(ms / 60_000 % 60, 2)):"
            + "\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))Z"
    }

    /// Howard Hinnant's days-to-civil algorithm.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
