import ArgumentParser

@main
struct Corral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corral",
        abstract: "Keeper, a ZooKeeper-compatible coordination service, and the cluster built on it.",
        subcommands: [Keeper.self, Up.self, Storage.self, Bench.self])
}
