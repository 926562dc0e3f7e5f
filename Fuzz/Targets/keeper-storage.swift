import KeeperCore
import KeeperProtocol
import KeeperStorage

/// What Keeper reads back from disk: a log segment (header, framed transactions with
/// checksums, each decoded) and a snapshot's body. The first byte picks which.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let file = Array(bytes.dropFirst())
    if kind & 1 == 0 {
        let path = "/data/version-2/log.100000001"
        let fileSystem = MemoryFileSystem(files: [path: file])
        if let reader = try? LogSegmentReader(fileSystem: fileSystem, path: path) {
            for record in reader.records { _ = try? TxnEntry.decode(record.payload) }
        }
    } else {
        _ = try? SnapshotCodec.decode(file, zxid: 1)
    }
    return 0
}
