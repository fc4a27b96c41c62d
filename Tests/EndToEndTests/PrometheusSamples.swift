import Foundation
import TestSupport

/// The samples of one scrape of a `/metrics` page (Prometheus text format).
struct PrometheusSamples {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]

    static func scrape(_ url: String) async throws -> PrometheusSamples {
        let reply = try await HTTPProbe.get(url)
        guard reply.status == 200 else { throw EndToEndError("GET \(url) answered \(reply.status)") }
        return PrometheusSamples(text: reply.text)
    }

    init(text: String) {
        samples = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            // name{a="x",b="y"}: label values here never contain '",' or escapes.
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: "\",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].drop(while: { $0 == "\"" }).prefix(while: { $0 != "\"" }))
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    /// The sum of the series named `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    var names: Set<String> { Set(samples.map(\.name)) }
}
