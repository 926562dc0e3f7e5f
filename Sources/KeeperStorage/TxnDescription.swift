import KeeperCore
import KeeperProtocol
import UTCTime

/// One-line descriptions of logged transactions, for `corral storage log`.
extension TxnEntry {
    public var summary: String {
        let header = self.header
        return "0x\(StorageFormat.hex16(header.zxid))  \(Timestamp.format(header.time))  "
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
