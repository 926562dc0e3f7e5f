import AgentCore
import ClusterEdge
import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// Keeps the agent registered with whichever master leads: opens the registration stream
/// to the leader the detector names (following a standby's redirect), feeds the master's
/// events to the core, and registers again when the stream breaks or the leader changes.
struct MasterRegistration: Sendable {
    let host: AgentHost
    let detector: MasterDetector
    /// What the agent authenticates with (`--credential`), when the master asks.
    let credential: Credential?
    let logger: Logger
    /// The pause before registering again after a failure: `firstRetryDelay`, doubled after
    /// each failure in a row up to `retryDelay`. A master just elected answers 503 until it
    /// has read the registry, for some milliseconds: the agent asks again soon.
    var retryDelay: Duration = .seconds(1)
    var firstRetryDelay: Duration = .milliseconds(50)

    func run() async {
        var session: Task<Void, Never>?
        for await leader in detector.leaders() {
            session?.cancel()
            await session?.value
            await host.step(.masterDisconnected)
            guard let leader else {
                logger.info("No leading master; waiting for one")
                continue
            }
            session = Task { await keepRegistered(with: leader) }
        }
        session?.cancel()
    }

    private func keepRegistered(with leader: HostPort) async {
        var target = leader
        var delay = firstRetryDelay
        while !Task.isCancelled {
            let dropper = TaskDropper()
            let current = target
            let connectTimeout = current == leader ? .seconds(5) : HTTPClient.redirectConnectTimeout
            let attempt = Task {
                try await registerOnce(with: current, connectTimeout: connectTimeout, drop: dropper)
            }
            dropper.set(attempt)
            do {
                if let redirect = try await withTaskCancellationHandler(
                    operation: { try await attempt.value }, onCancel: { attempt.cancel() })
                {
                    target = redirect
                    continue
                }
                // A stream that got as far as REGISTERED starts the pauses again.
                if await host.read({ $0.connection == .registered }) { delay = firstRetryDelay }
            } catch let refused as RegistrationRefused where refused.status == 403 {
                // Removed, marked gone or pruned: registering again cannot help.
                logger.error(
                    "The master at \(target) refuses this agent for good: \(refused.message) — leaving; start it on an empty work dir to join as a new agent"
                )
                await host.step(.refusedByMaster("The master refuses this agent (\(refused.message))"))
            } catch {
                if !Task.isCancelled, !(await host.isLeaving) {
                    logger.warning("Registering with the master at \(target): \(error)")
                }
            }
            if await host.isLeaving { return }
            await host.attach(nil)
            await host.step(.masterDisconnected)
            target = leader
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, retryDelay)
        }
    }

    /// Registers and follows the stream until it ends; returns the leader's address if
    /// this master is a standby that redirected.
    private func registerOnce(
        with target: HostPort, connectTimeout: Duration, drop: TaskDropper
    ) async throws -> HostPort? {
        let body = MesosJSON.encode(AgentCall(type: .register, register: await host.registration))
        let request = HTTPRequestSpec.json(
            host: target.host, port: target.port, target: AgentProtocolVersion.path, body: body,
            headers: credential.map { [("Authorization", $0.authorization)] } ?? [])
        return try await HTTPClient.withResponse(request, connectTimeout: connectTimeout) { head, chunks in
            if head.status == 307, let location = head.header("Location") {
                return HostPort(location: location)
            }
            guard head.status == 200, let streamID = head.header(AgentProtocolVersion.streamIDHeader) else {
                var text: [UInt8] = []
                while let chunk = try await chunks.next(), text.count < 4096 { text += chunk }
                throw RegistrationRefused(status: head.status, message: String(decoding: text, as: UTF8.self))
            }
            let link = MasterLink(leader: target, streamID: streamID, credential: credential, logger: logger) {
                drop.drop()
            }
            defer { link.close() }
            await host.attach(link)
            await host.step(.masterConnected)
            var records = RecordStream(chunks)
            while let record = try await records.next() {
                let event = try MesosJSON.decode(AgentEvent.self, from: record)
                await host.step(.masterEvent(event))
            }
            return nil
        }
    }
}

struct RegistrationRefused: Error, CustomStringConvertible {
    var status: Int
    var message: String

    var description: String { "the master answered \(status): \(message)" }
}

/// Cancels one registration attempt from outside it (the core's `reconnect`).
final class TaskDropper: Sendable {
    private let task = NIOLockedValueBox<Task<HostPort?, any Error>?>(nil)

    func set(_ attempt: Task<HostPort?, any Error>) { task.withLockedValue { $0 = attempt } }

    func drop() { task.withLockedValue { $0?.cancel() } }
}
