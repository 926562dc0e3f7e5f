import FoundationEssentials
import KeeperProtocol

/// Latency quantiles of one histogram, in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    init(_ histogram: Histogram) {
        func ms(_ ns: UInt64) -> Double { (Double(ns) / 1e3).rounded() / 1e3 }
        count = histogram.count
        p50 = ms(histogram.quantile(0.5))
        p90 = ms(histogram.quantile(0.9))
        p99 = ms(histogram.quantile(0.99))
        p999 = ms(histogram.quantile(0.999))
        max = ms(histogram.max)
        mean = ms(UInt64(histogram.mean))
    }
}

/// What the watched server process used during the timed phase.
public struct ServerUsage: Codable, Sendable, Equatable {
    public var pid: Int32
    public var cpuSeconds: Double
    public var cpuSecondsPer100kOps: Double
    /// The largest VmRSS seen, sampled once a second.
    public var rssMaxKiB: Int
    /// VmHWM at the end: the peak resident set over the process's life.
    public var rssPeakKiB: Int

    enum CodingKeys: String, CodingKey {
        case pid
        case cpuSeconds = "cpu_seconds"
        case cpuSecondsPer100kOps = "cpu_seconds_per_100k_ops"
        case rssMaxKiB = "rss_max_kib"
        case rssPeakKiB = "rss_peak_kib"
    }
}

public struct CleanupReport: Codable, Sendable, Equatable {
    public var seconds: Double = 0
    public var deleted = 0
    /// Deletes that failed for any reason but NONODE (a create that had failed).
    public var errors = 0
    /// Whether every client's cleanup ran to its end without errors.
    public var complete = true
}

/// Every figure of one `corral bench keeper` run; `--json` prints it as one object.
public struct BenchReport: JSONReport, Sendable {
    public var servers: [String]
    public var op: BenchOp
    public var readPercent: Int?
    public var clients: Int
    public var inflight: Int
    public var size: Int
    public var workingSet: Int?
    public var durationSeconds: Double
    public var root = ""
    public var setupSeconds = 0.0
    public var setupZnodes = 0

    /// Replies received within the timed window, and the window's measured length.
    public var operations = 0
    public var elapsedSeconds = 0.0
    public var throughput = 0.0
    /// Every request of the timed phase, including those answered after the window closed.
    public var latencyMs: LatencySummary?
    public var latencyMsByKind: [String: LatencySummary] = [:]
    public var errors = 0
    /// Error replies by ZooKeeper error code (-4 is a lost connection).
    public var errorsByCode: [String: Int] = [:]
    public var cleanup = CleanupReport()
    public var server: ServerUsage?

    init(options: BenchOptions) {
        servers = options.servers.map(\.description)
        op = options.op
        readPercent = options.op == .mixed ? options.readPercent : nil
        clients = options.clients
        inflight = options.inflight
        size = options.size
        workingSet = options.op.needsWorkingSet ? options.workingSet : nil
        durationSeconds = options.duration
    }

    mutating func record(timed: PhaseResult, completedInWindow: Int, elapsed: Double) {
        operations = completedInWindow
        elapsedSeconds = elapsed
        throughput = elapsed > 0 ? Double(completedInWindow) / elapsed : 0
        var all = Histogram()
        for (kind, histogram) in timed.histograms {
            all.merge(histogram)
            latencyMsByKind[kind.rawValue] = LatencySummary(histogram)
        }
        latencyMs = LatencySummary(all)
        errors = timed.errorCount
        errorsByCode = Dictionary(uniqueKeysWithValues: timed.errors.map { ("\($0.key)", $0.value) })
    }

    /// The human summary.
    public func text() -> String {
        var lines: [String] = []
        var what = "\(op.rawValue)"
        if let readPercent { what += " (\(readPercent)% reads)" }
        var shape = "\(clients) clients x \(inflight) in flight, \(size)-byte data"
        if let workingSet { shape += ", \(workingSet) znodes per client" }
        lines.append("corral bench keeper: \(what) on \(servers.joined(separator: ",")), \(shape)")
        lines.append(row("operations", "\(operations) in \(format(elapsedSeconds, 2)) s"))
        lines.append(row("throughput", "\(format(throughput, 0)) ops/s"))
        if let latencyMs { lines.append(row("latency", latencyLine(latencyMs))) }
        if latencyMsByKind.count > 1 {
            for (kind, summary) in latencyMsByKind.sorted(by: { $0.key < $1.key }) {
                lines.append(row("  " + kind, latencyLine(summary) + ", \(summary.count) ops"))
            }
        }
        lines.append(row("errors", "\(errors)"))
        for (code, count) in errorsByCode.sorted(by: { $0.key < $1.key }) {
            let message = Int32(code).map { ErrorCode(rawValue: $0).message } ?? code
            lines.append(row("", "\(count) x \(message) (\(code))"))
        }
        lines.append(row("setup", "\(setupZnodes) znodes in \(format(setupSeconds, 2)) s under \(root)"))
        var cleanupLine = "\(cleanup.deleted) znodes deleted in \(format(cleanup.seconds, 2)) s"
        if !cleanup.complete { cleanupLine += ", INCOMPLETE (\(cleanup.errors) errors)" }
        lines.append(row("cleanup", cleanupLine))
        if let server {
            lines.append(
                row(
                    "server",
                    "pid \(server.pid): \(format(server.cpuSeconds, 2)) CPU s (\(format(server.cpuSecondsPer100kOps, 2)) per 100k ops), RSS max \(format(Double(server.rssMaxKiB) / 1024, 1)) MiB"
                ))
        }
        return lines.joined(separator: "\n")
    }

    private func latencyLine(_ summary: LatencySummary) -> String {
        "p50 \(format(summary.p50, 3)) ms  p99 \(format(summary.p99, 3)) ms  p99.9 \(format(summary.p999, 3)) ms  max \(format(summary.max, 3)) ms"
    }

    private func row(_ label: String, _ value: String) -> String {
        label + String(repeating: " ", count: max(0, 12 - label.count)) + value
    }
}

/// A report that `--json` prints as one line: snake_case keys in sorted order, so that
/// scripts read it with any JSON parser and diffs stay small.
public protocol JSONReport: Codable {}

extension JSONReport {
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

extension Duration {
    /// This duration in seconds.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// `value` rounded to `decimals` places, for a report's figures.
func rounded(_ value: Double, _ decimals: Int) -> Double {
    var scale: Double = 1
    for _ in 0..<decimals { scale *= 10 }
    return (value * scale).rounded() / scale
}

/// `value` rounded to `decimals` places, printf's `%.Nf` without Foundation.
func format(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale: Double = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return "\(value)" }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    let sign = value < 0 && units > 0 ? "-" : ""
    guard decimals > 0 else { return sign + "\(whole)" }
    let fraction = String(units % UInt64(scale))
    return sign + "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
}
