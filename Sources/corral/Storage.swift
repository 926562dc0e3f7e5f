import ArgumentParser
import KeeperStorage

/// `corral storage show|log|verify DIR`: read a data directory offline.
struct Storage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect a Keeper data directory without starting a server.",
        subcommands: [Show.self, Log.self, Verify.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List snapshots and log segments with their zxid ranges and checksum status.")
        @Argument(help: "A server's data directory (dataDir, or dataDir/N with --id N).") var directory: String

        func run() throws {
            for report in try StorageInspector(directory: directory).show() { print(report.line) }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print logged transactions, one a line.")
        @Argument(help: "A server's data directory.") var directory: String
        @Option(help: "Start at this zxid (decimal or 0x hex).") var from: String?

        func run() throws {
            var start: Int64 = 0
            if let from {
                guard let value = from.hasPrefix("0x") ? Int64(from.dropFirst(2), radix: 16) : Int64(from) else {
                    throw ValidationError("--from: '\(from)' is not a zxid (decimal, or hex with 0x)")
                }
                start = value
            }
            try StorageInspector(directory: directory).log(from: start) { print($0) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every checksum; exit 1 if any file is damaged.")
        @Argument(help: "A server's data directory.") var directory: String

        func run() throws {
            let (reports, damaged) = try StorageInspector(directory: directory).verify()
            for report in reports { print(report.line) }
            if damaged {
                print(
                    "damage found: a server will refuse to start on it; restore the damaged file from a replica or a backup"
                )
                throw ExitCode(1)
            }
            print("\(reports.count) files check out")
        }
    }
}
