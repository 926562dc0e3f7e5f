import ArgumentParser
import ClusterEdge
import FoundationEssentials
import NIOConcurrencyHelpers

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
        var listener = try await Listener.attach(api)
        defer { listener.task.cancel() }
        let deployment = try api.decode(Result.self, try await change()).deploymentId
        let start = ContinuousClock.now
        var unlisted = 0
        while true {
            if let outcome = listener.outcome(of: deployment) {
                // The state it ended in: a deployment quicker than one poll would
                // otherwise leave the line of its start as the last one.
                if outcome == "deployment_success", let (line, _) = try? await progress(of: deployment) {
                    Output.progress(line)
                }
                return try finish(deployment, outcome, after: ContinuousClock.now - start)
            }
            if ContinuousClock.now - start > .milliseconds(Int64(timeout * 1000)) {
                Output.line(
                    "Deployment \(deployment) still runs after \(Int(timeout)) s; see `corral apps show \(app)`")
                throw ExitCode(2)
            }
            // The stream ends when its instance stops leading: attach to the next leader.
            if listener.isOver, let again = try? await Listener.attach(api) {
                listener.task.cancel()
                listener = again
            }
            let (line, listed) = try await progress(of: deployment)
            Output.progress(line)
            unlisted = listed ? 0 : unlisted + 1
            // Gone from the list and its end never heard: it ended while no stream was attached.
            if unlisted >= 4, listener.outcome(of: deployment) == nil {
                return try await finishUnheard(deployment, after: ContinuousClock.now - start)
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// An event stream that records each deployment's end.
    private final class Listener: Sendable {
        private let ended = NIOLockedValueBox<[String: String]>([:])
        private let over = NIOLockedValueBox(false)
        private let taskBox = NIOLockedValueBox<Task<Void, any Error>?>(nil)

        var task: Task<Void, any Error> { taskBox.withLockedValue { $0! } }
        var isOver: Bool { over.withLockedValue { $0 } }

        func outcome(of deployment: String) -> String? { ended.withLockedValue { $0[deployment] } }

        /// A listener whose stream is attached (it heard `event_stream_attached`); the
        /// stream's error if it failed first.
        static func attach(_ api: AppsAPI) async throws -> Listener {
            let listener = Listener()
            let (attached, attach) = AsyncStream<Void>.makeStream()
            let events = AppsEventStream(
                api: api, types: ["event_stream_attached", "deployment_success", "deployment_failed"])
            let task = Task {
                defer {
                    listener.over.withLockedValue { $0 = true }
                    attach.finish()
                }
                try await events.read { type, json in
                    if type == "event_stream_attached" { attach.yield() }
                    if let id = try? JSONTapeDecoder().decode(Ended.self, from: Array(json.utf8)).id {
                        listener.ended.withLockedValue { $0[id] = type }
                    }
                    return true
                }
            }
            listener.taskBox.withLockedValue { $0 = task }
            for await _ in attached { return listener }
            try await task.value
            throw CommandFailure("Apps' event stream ended before it opened")
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

    /// The deployment's end was not heard (the Apps leader changed meanwhile): it
    /// succeeded if the app is gone or runs its instances with no deployment left.
    private func finishUnheard(_ deployment: String, after elapsed: Duration) async throws {
        struct Shown: Decodable { var app: AppSummary }
        let settled: Bool
        if let answer = try? await api.call("GET", "/v2/apps" + AppPath.of(app)) {
            let shown = try api.decode(Shown.self, answer.body).app
            settled = (shown.deployments ?? []).isEmpty && shown.tasksRunning == shown.instances
        } else {
            settled = true
        }
        Output.line("(the Apps leader changed during the deployment; judged by the app's state)")
        try finish(deployment, settled ? "deployment_success" : "deployment_failed", after: elapsed)
    }

    /// `step 1/1 RestartApplication: 2/3 running, 2 healthy`, and whether the deployment
    /// is still listed.
    private func progress(of deployment: String) async throws -> (String, Bool) {
        let steps = try api.decode([Step].self, try await api.call("GET", "/v2/deployments").body)
        var text = "Deploying \(app)"
        let step = steps.first(where: { $0.id == deployment })
        if let step {
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
        return (text, step != nil)
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
