import MasterCore
import NIOConcurrencyHelpers
import Testing

@testable import MasterServer

/// The registry writes of one term: in order, refusals reported, anything else ends the term.
@Suite("Registry writer")
struct RegistryWriterTests {
    final class Log: Sendable {
        let reports = NIOLockedValueBox<[(Int, String?)]>([])
        let abdications = NIOLockedValueBox<[String]>([])
        let written = NIOLockedValueBox<[[RegistryOperation]]>([])
    }

    static let op = RegistryOperation.removeFramework("F")

    func waitUntil(_ condition: () -> Bool) async {
        for _ in 0..<500 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("writes go out in order; a refusal is reported, and the next write goes on")
    func inOrder() async {
        let log = Log()
        let writer = RegistryWriter(
            write: { operations in
                log.written.withLockedValue { $0.append(operations) }
                if operations.count == 2 { throw RegistryStoreError.refused("no") }
            },
            report: { id, refusal in log.reports.withLockedValue { $0.append((id, refusal)) } },
            abdicate: { reason in log.abdications.withLockedValue { $0.append(reason) } })
        writer.write(0, [Self.op])
        writer.write(1, [Self.op, Self.op])
        writer.write(2, [Self.op])
        await waitUntil { log.reports.withLockedValue { $0.count } == 3 }
        #expect(log.reports.withLockedValue { $0.map(\.0) } == [0, 1, 2])
        #expect(log.reports.withLockedValue { $0.map(\.1) } == [nil, "no", nil])
        #expect(log.abdications.withLockedValue { $0 }.isEmpty)
        writer.stop()
    }

    @Test("a failed write ends the term: abdicate once, nothing more written")
    func failureAbdicates() async {
        struct KeeperDown: Error {}
        let log = Log()
        let writer = RegistryWriter(
            write: { operations in
                log.written.withLockedValue { $0.append(operations) }
                throw KeeperDown()
            },
            report: { id, refusal in log.reports.withLockedValue { $0.append((id, refusal)) } },
            abdicate: { reason in log.abdications.withLockedValue { $0.append(reason) } })
        writer.write(0, [Self.op])
        writer.write(1, [Self.op])
        await waitUntil { !log.abdications.withLockedValue { $0 }.isEmpty }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(log.abdications.withLockedValue { $0.count } == 1)
        #expect(log.written.withLockedValue { $0.count } == 1)
        #expect(log.reports.withLockedValue { $0 }.isEmpty)
        writer.stop()
    }

    @Test("more writes waiting than the bound ends the term")
    func boundAbdicates() async {
        let log = Log()
        let release = NIOLockedValueBox(false)
        let writer = RegistryWriter(
            write: { _ in
                while !release.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            },
            report: { _, _ in },
            abdicate: { reason in log.abdications.withLockedValue { $0.append(reason) } })
        for id in 0...RegistryWriter.writesQueuedMax + 1 { writer.write(id, [Self.op]) }
        await waitUntil { !log.abdications.withLockedValue { $0 }.isEmpty }
        #expect(log.abdications.withLockedValue { $0.first?.contains("waiting for Keeper") } == true)
        release.withLockedValue { $0 = true }
        writer.stop()
    }
}
