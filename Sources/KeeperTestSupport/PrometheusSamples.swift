/// Samples of Prometheus' text format by name and labels, enough for the Swift tests (the
/// cluster's tests read it with Prometheus' own Python parser): one sample a line,
/// `name{a="x",b="y"} value`, label values without escapes.
public struct PrometheusSamples {
    private var values: [String: [([String: String], Double)]] = [:]

    public init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            var name = String(series)
            var labels: [String: String] = [:]
            if let brace = series.firstIndex(of: "{") {
                name = String(series[..<brace])
                let inner = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                for pair in inner.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            values[name, default: []].append((labels, value))
        }
    }

    public subscript(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        values[name]?.first { $0.0 == labels }?.1
    }
}
