import ClusterProtocol
import Logging
import NIOConcurrencyHelpers

/// A scheduler's side of Mesos' v1 scheduler API, for Corral's own frameworks (`corral
/// execute`, Apps, the benchmarks, the tests): finds the leading master, SUBSCRIBEs
/// (following a standby's 307), hands each event to the caller, and sends calls on the
/// stream's id.
public final class SchedulerSession: Sendable {
    public let master: MasterURL
    /// Presented on every request when the master authenticates frameworks.
    public let credential: Credential?
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var leader: HostPort?
        var streamID: String?
        var frameworkID: Mesos.FrameworkID?
        /// Calls go out on one keep-alive connection to the leader.
        var connection: HTTPConnection?
    }

    public init(master: MasterURL, credential: Credential? = nil, logger: Logger) {
        self.master = master
        self.credential = credential
        self.logger = logger
    }

    private var authorization: [(String, String)] { credential.map { [("Authorization", $0.authorization)] } ?? [] }

    public var frameworkID: Mesos.FrameworkID? { state.withLockedValue { $0.frameworkID } }

    /// Subscribes with `info` and calls `handle` for each event until it returns false
    /// or the stream ends (then this returns; the caller may subscribe again).
    public func subscribe(
        _ info: Mesos.FrameworkInfo, handle: (Mesos.SchedulerEvent) async throws -> Bool
    ) async throws {
        let elected = try await leader()
        var target = elected
        for _ in 0..<5 {
            var info = info
            info.id = info.id ?? frameworkID
            var call = Mesos.SchedulerCall(type: .subscribe, subscribe: .init(frameworkInfo: info))
            call.frameworkID = info.id
            let request = HTTPRequestSpec.json(
                host: target.host, port: target.port, target: "/api/v1/scheduler", body: MesosJSON.encode(call),
                headers: authorization)
            let connectTimeout = target == elected ? .seconds(5) : HTTPClient.redirectConnectTimeout
            let redirect: HostPort? = try await HTTPClient.withResponse(request, connectTimeout: connectTimeout) {
                head, chunks in
                if head.status == 307, let location = head.header("Location") {
                    return HostPort(location: location)
                }
                guard head.status == 200 else {
                    var text: [UInt8] = []
                    while let chunk = try await chunks.next(), text.count < 4096 { text += chunk }
                    throw SchedulerSessionError.refused(
                        status: head.status, message: String(decoding: text, as: UTF8.self))
                }
                state.withLockedValue {
                    if $0.leader != target || $0.connection == nil {
                        $0.connection?.close()
                        $0.connection = HTTPConnection(host: target.host, port: target.port)
                    }
                    $0.leader = target
                    $0.streamID = head.header("Mesos-Stream-Id")
                }
                var records = RecordStream(chunks)
                while let record = try await records.next() {
                    let event = try MesosJSON.decode(Mesos.SchedulerEvent.self, from: record)
                    if event.type == .subscribed, let id = event.subscribed?.frameworkID {
                        state.withLockedValue { $0.frameworkID = id }
                    }
                    guard try await handle(event) else { return nil }
                }
                return nil
            }
            guard let redirect else { return }
            target = redirect
        }
        throw SchedulerSessionError.tooManyRedirects
    }

    /// Sends a call on the current stream; throws unless the master answers 202.
    public func send(_ call: Mesos.SchedulerCall) async throws {
        let (streamID, frameworkID, connection) = state.withLockedValue { ($0.streamID, $0.frameworkID, $0.connection) }
        guard let streamID, let connection else { throw SchedulerSessionError.notSubscribed }
        var call = call
        call.frameworkID = call.frameworkID ?? frameworkID
        let (head, body) = try await connection.send(
            target: "/api/v1/scheduler",
            headers: [("Content-Type", "application/json"), ("Mesos-Stream-Id", streamID)] + authorization,
            body: MesosJSON.encode(call))
        guard head.status == 202 else {
            throw SchedulerSessionError.refused(status: head.status, message: String(decoding: body, as: UTF8.self))
        }
    }

    /// The leading master's address, waiting for one to be elected.
    private func leader() async throws -> HostPort {
        for await leader in MasterDetector(url: master, logger: logger).leaders() {
            if let leader { return leader }
        }
        throw CancellationError()
    }
}

public enum SchedulerSessionError: Error, CustomStringConvertible {
    case refused(status: Int, message: String)
    case notSubscribed
    case tooManyRedirects

    public var description: String {
        switch self {
        case .refused(let status, let message): "the master answered \(status): \(message)"
        case .notSubscribed: "not subscribed to a master yet"
        case .tooManyRedirects: "the masters redirected more than 5 times; is a leader elected?"
        }
    }
}
