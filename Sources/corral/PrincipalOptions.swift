import ArgumentParser
import ClusterEdge

/// The principal and secret a command authenticates to the master with, as
/// `mesos-execute --principal --secret` takes them; for a master started with
/// `--authenticate-frameworks` or `--authenticate-http-*`.
struct PrincipalOptions: ParsableArguments {
    @Option(help: "The principal to authenticate to the master as (HTTP Basic), with --secret.")
    var principal: String?

    @Option(help: "The principal's secret.")
    var secret: String?

    var credential: Credential? {
        get throws {
            switch (principal, secret) {
            case (nil, nil): return nil
            case (let principal?, let secret?): return Credential(principal: principal, secret: secret)
            default: throw ValidationError("--principal and --secret go together")
            }
        }
    }
}
