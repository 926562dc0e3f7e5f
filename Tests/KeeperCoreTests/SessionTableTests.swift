import Testing

@testable import KeeperCore

@Suite("sessions, ids and passwords")
struct SessionTableTests {
    @Test("deadlines round up to the tick boundary after now + timeout")
    func deadlineRounding() {
        let table = SessionTable(tickTime: 2000)
        #expect(table.deadline(now: 0, timeout: 4000) == 6000)
        #expect(table.deadline(now: 1, timeout: 4000) == 6000)
        #expect(table.deadline(now: 1999, timeout: 4000) == 6000)
        #expect(table.deadline(now: 2000, timeout: 4000) == 8000)
        #expect(table.deadline(now: 10_500, timeout: 5000) == 16_000)
    }

    @Test("add touches the session into its bucket; expire takes it once its deadline has passed")
    func addAndExpire() {
        var table = SessionTable(tickTime: 1000)
        table.add(42, timeout: 3000, now: 500)
        #expect(table.session(42)?.expiresAt == 4000)
        #expect(table.session(42)?.timeout == 3000)
        #expect(table.expire(now: 3999) == [])
        #expect(table.expire(now: 4000) == [42])
        #expect(table.session(42)?.isClosing == true)
        #expect(table.expire(now: 10_000) == [])
        #expect(table.count == 1)
        table.remove(42)
        #expect(table.count == 0 && table.session(42) == nil)
    }

    @Test("touch moves a session to a later bucket")
    func touchMoves() {
        var table = SessionTable(tickTime: 1000)
        table.add(1, timeout: 2000, now: 0)
        table.add(2, timeout: 2000, now: 0)
        let touched = table.touch(1, now: 1500)
        #expect(touched)
        #expect(table.session(1)?.expiresAt == 4000)
        #expect(table.expire(now: 3000) == [2])
        #expect(table.expire(now: 4000) == [1])
    }

    @Test("expire returns every due session once, in id order, across buckets")
    func expireOrder() {
        var table = SessionTable(tickTime: 100)
        for (id, now) in [(Int64(30), Int64(0)), (10, 150), (20, 0), (-5, 199), (40, 900)] {
            table.add(id, timeout: 200, now: now)
        }
        #expect(table.expire(now: 450) == [-5, 10, 20, 30])
        #expect(table.expire(now: 450) == [])
        #expect(table.expire(now: 1199) == [])
        #expect(table.expire(now: 1200) == [40])
    }

    @Test("closing sessions cannot be touched and are not expired again")
    func closing() {
        var table = SessionTable(tickTime: 1000)
        table.add(7, timeout: 2000, now: 0)
        table.markClosing(7)
        let touchedClosing = table.touch(7, now: 100)
        let touchedUnknown = table.touch(8, now: 100)
        #expect(!touchedClosing && !touchedUnknown)
        #expect(table.expire(now: 100_000) == [])
        #expect(table.session(7)?.isClosing == true)
    }

    @Test("add of a known session refreshes its timeout")
    func reAdd() {
        var table = SessionTable(tickTime: 1000)
        table.add(7, timeout: 2000, now: 0)
        table.add(7, timeout: 9000, now: 0)
        #expect(table.session(7)?.timeout == 9000)
        #expect(table.session(7)?.expiresAt == 10_000)
        #expect(table.expire(now: 3000) == [])
        #expect(table.count == 1)
    }

    @Test("session ids carry the server id in the top byte and 40 bits of the start time")
    func sessionIds() {
        var generator = SessionIdGenerator(serverId: 3, startTime: 0x12_3456_789A)
        let first = generator.nextId()
        #expect(first == 0x0312_3456_789A_0000)
        #expect(generator.nextId() == first + 1)
        var other = SessionIdGenerator(serverId: 0x7E, startTime: 0x1_0000_0000_0001)  // above 40 bits
        #expect(other.nextId() == 0x7E00_0000_0001_0000)
    }

    @Test("session ids are never 0 nor Int64.min")
    func sessionIdsAvoidMarkers() {
        var zero = SessionIdGenerator(serverId: 0, startTime: 0)
        #expect(zero.nextId() == 1)
        var atMin = SessionIdGenerator(serverId: 0x80, startTime: 0)
        #expect(atMin.nextId() == Int64.min + 1)
        // Counting up through the wrap to Int64.min and through -1 to 0.
        var belowMin = SessionIdGenerator(serverId: 0x7F, startTime: 0xFF_FFFF_FFFF)
        var belowZero = SessionIdGenerator(serverId: 0xFF, startTime: 0xFF_FFFF_FFFF)
        var seen: [Int64] = []
        for _ in 0..<65_537 {
            seen.append(belowMin.nextId())
            seen.append(belowZero.nextId())
        }
        #expect(!seen.contains(0))
        #expect(!seen.contains(Int64.min))
        #expect(seen.contains(Int64.min + 1) && seen.contains(1))
        #expect(Set(seen).count == seen.count)
    }

    /// Golden values from the JDK: `new java.util.Random(sid ^ 0xB3415C00L).nextBytes(b)` for a
    /// 16-byte `b`, as ZooKeeper's `generatePasswd` computes them (run with `java` 17).
    @Test("session passwords are java.util.Random's bytes, as ZooKeeper generates them")
    func passwords() {
        #expect(
            SessionPassword.make(for: 0x0000_0190_A1B2_C3D0) == [
                0x02, 0x51, 0x73, 0x1b, 0xb8, 0x12, 0xb1, 0x74, 0x26, 0x0a, 0x2d, 0xdc, 0x85, 0x77, 0x69, 0x40,
            ])
        #expect(
            SessionPassword.make(for: 0x7FFF_FFFF_FFFF_FFF1) == [
                0x61, 0xab, 0x67, 0xb5, 0x24, 0x99, 0x09, 0x27, 0xdd, 0xa9, 0x13, 0xd8, 0xe0, 0x2d, 0xdc, 0xeb,
            ])
        #expect(
            SessionPassword.make(for: 0x0100_0000_0000_0001) == [
                0x05, 0x4c, 0xc7, 0x4a, 0x37, 0x32, 0x7d, 0xb2, 0x15, 0xe7, 0x02, 0xe2, 0x0c, 0x73, 0xf0, 0x05,
            ])
    }

    @Test("a password checks only for its own session, and never for session 0")
    func passwordCheck() {
        let password = SessionPassword.make(for: 99)
        #expect(password.count == 16)
        #expect(SessionPassword.check(password, for: 99))
        #expect(!SessionPassword.check(password, for: 98))
        #expect(!SessionPassword.check(Array(password.dropLast()), for: 99))
        #expect(!SessionPassword.check(SessionPassword.make(for: 0), for: 0))
    }
}
