import ArgumentParser
import ClusterEdge
import FoundationEssentials
import Synchronization

/// Makes one change through the API and follows the deployment it starts, with a live
/// progress line, until it succeeds (exit 0), fails (exit 1: cancelled, or overridden by
/// a forced change) or `timeout` passes (exit 2). The event stream is attached before the
/// change, so the deployment's end is never missed.
struct AppsDeploymentWatch {
    let api: AppsAPI
    let app: String
    let timeout: Double

    private struct Ended: Decodable { var id: String }
    private struct Result: Decodable { var deploymentId: String }
    private struct Step: Decodable {
        var id: String
        var currentStep: Int
        var totalSteps: Int
        var currentActions: [Action]
        struct Action: Decodable { var action: String }
    }

    /// `change` returns the API's answer to the change.
    func run(_ change: () async throws -> [UInt8]) async throws {
        let ended = Mutex<[String: String]>([:])
        let (attached, attach) = AsyncStream<Void>.makeStream()
        let events = AppsEventStream(
            api: api, types: ["event_stream_attached", "deployment_success", "deployment_failed"])
        let listener = Task {
            defer { attach.finish() }
            try await events.read { type, json in
                if type == "event_stream_attached" { attach.yield() }
                if let id = try? JSONTapeDecoder().decode(Ended.self, from: Array(json.utf8)).id {
                    ended.withLock { $0[id] = type }
                }
                return true
            }
        }
        defer { listener.cancel() }
        var isAttached = false
        for await _ in attached {
            isAttached = true
            break
        }
        if !isAttached {
            // The stream failed before it opened: its error says why.
            try await listener.value
            throw CommandFailure("Apps' event stream ended before it opened")
        }
        let deployment = try api.decode(Result.self, try await change()).deploymentId
        let start = ContinuousClock.now
        while true {
            if let outcome = ended.withLock({ $0[deployment] }) {
                return try finish(deployment, outcome, after: ContinuousClock.now - start)
            }
            if ContinuousClock.now - start > .milliseconds(Int64(timeout * 1000)) {
                Output.line(
                    "Deployment \(deployment) still runs after \(Int(timeout)) s; see `corral apps show \(app)`")
                throw ExitCode(2)
            }
            Output.progress(try await progress(of: deployment))
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    private func finish(_ deployment: String, _ outcome: String, after elapsed: Duration) throws {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let took = String(Int((seconds * 10).rounded())).inserting(".", fromEnd: 1)
        guard outcome == "deployment_success" else {
            Output.line("Deployment \(deployment) failed after \(took) s (cancelled, or overridden by a forced change)")
            throw ExitCode(1)
        }
        Output.line("Deployment \(deployment) done in \(took) s")
    }

    /// `step 1/1 RestartApplication: 2/3 running, 2 healthy`.
    private func progress(of deployment: String) async throws -> String {
        let steps = try api.decode([Step].self, try await api.call("GET", "/v2/deployments").body)
        var text = "Deploying \(app)"
        if let step = steps.first(where: { $0.id == deployment }) {
            text +=
                ": step \(step.currentStep)/\(step.totalSteps) "
                + step.currentActions.map(\.action).joined(separator: ",")
        }
        struct Shown: Decodable { var app: AppSummary }
        if let answer = try? await api.call("GET", "/v2/apps" + AppPath.of(app)),
            let shown = try? api.decode(Shown.self, answer.body)
        {
            text += ", " + shown.app.progress
        }
        return text
    }
}

extension String {
    /// `"42"` → `"4.2"` for `inserting(".", fromEnd: 1)`, with a leading 0 when short.
    fileprivate func inserting(_ mark: Character, fromEnd count: Int) -> String {
        var digits = self
        while digits.count <= count { digits = "0" + digits }
        digits.insert(mark, at: digits.index(digits.endIndex, offsetBy: -count))
        return digits
    }
}
