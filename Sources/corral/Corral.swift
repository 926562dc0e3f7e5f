import ArgumentParser
import ClusterEdge
import Dispatch
import FoundationEssentials
import NIOConcurrencyHelpers

struct Corral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corral",
        abstract: "Keeper, a ZooKeeper-compatible coordination service, and the cluster built on it.",
        subcommands: [
            Keeper.self, MasterCommand.self, AgentCommand.self, AppsCommand.self, ExecuteCommand.self,
            ClusterCommand.self,
            Up.self,
            Storage.self, Bench.self, ContainerWait.self,
        ])
}

/// The entry point. An async `main` ends the main thread with `pthread_exit` once the
/// command is on its way, which unwinds that thread's stack through the binary's unwind
/// tables and so keeps half a megabyte of them resident in every server for nothing. Here
/// the main thread parses, starts the command, and waits for it.
@main
enum CorralMain {
    static func main() {
        do {
            let command = try Corral.parseAsRoot()
            try ClusterTLS.configureProcess(ClusterTLS.fromEnvironment(ProcessInfo.processInfo.environment))
            if let asyncCommand = command as? any AsyncParsableCommand {
                try waitFor(asyncCommand)
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            Corral.exit(withError: error)
        }
    }

    /// Runs an async command on the concurrency pool; the main thread blocks until it ends.
    private static func waitFor(_ command: any AsyncParsableCommand) throws {
        let outcome = NIOLockedValueBox<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let box = UncheckedCommand(command: command)
        Task {
            var command = box.command
            let result: Result<Void, any Error>
            do {
                try await command.run()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            outcome.withLockedValue { $0 = result }
            done.signal()
        }
        done.wait()
        try outcome.withLockedValue { $0 }?.get()
    }
}

/// A parsed command holds only its options; it moves to the task once and is not shared.
private struct UncheckedCommand: @unchecked Sendable {
    var command: any AsyncParsableCommand
}
