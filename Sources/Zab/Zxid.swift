/// A zxid: the epoch of the leader that proposed a transaction in the high 32 bits, and
/// the transaction's number within that epoch in the low 32. Ordering zxids as integers
/// orders transactions as ZAB delivers them.
public enum Zxid {
    public static func make(epoch: Int64, counter: Int64) -> Int64 { epoch << 32 | (counter & 0xFFFF_FFFF) }
    public static func epoch(_ zxid: Int64) -> Int64 { zxid >> 32 }
    public static func counter(_ zxid: Int64) -> Int64 { zxid & 0xFFFF_FFFF }
    /// A counter ZooKeeper never proposes: a leader whose next zxid would carry it starts a
    /// new election, so the next epoch begins at counter 1 instead of the counter running
    /// into the epoch bits.
    public static let counterExhausted: Int64 = 0xFFFF_FFFF

    public static func hex(_ zxid: Int64) -> String { "0x" + String(UInt64(bitPattern: zxid), radix: 16) }
}
