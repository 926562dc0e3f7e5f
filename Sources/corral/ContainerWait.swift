import AgentServer
import ArgumentParser

/// `corral container-wait STATUS_FILE -- PROGRAM ARGS…`: what the agent runs in a container
/// around its program, so that an agent started again learns how the program ended
/// (`ContainerWaitShim`). Not for operators; not listed in the help.
struct ContainerWait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container-wait",
        abstract: "Run PROGRAM, write its wait status to STATUS_FILE, and end as it did (the agent's container shim).",
        shouldDisplay: false)

    @Argument(help: "Where the wait status goes.")
    var statusFile: String

    @Argument(parsing: .captureForPassthrough, help: "-- then the program's absolute path and arguments.")
    var program: [String] = []

    func run() throws {
        let argv = program.first == "--" ? Array(program.dropFirst()) : program
        guard !argv.isEmpty else {
            throw ValidationError("container-wait needs -- and a program after its status file")
        }
        ContainerWaitShim.run(statusPath: statusFile, program: argv)
    }
}
