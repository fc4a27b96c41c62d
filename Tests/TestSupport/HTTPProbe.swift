import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client for end-to-end tests, over URLSession.
public struct HTTPProbe {
    public struct Reply {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public static func request(
        _ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:], timeout: Duration = .seconds(5)
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout.secondsValue
        for (name, value) in headers {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw EndToEndError("no HTTP response from \(url)") }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            fields[String(describing: key).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    public static func get(_ url: String) async throws -> Reply {
        try await request("GET", url)
    }

    /// Polls `url` until it answers `status`, up to `timeout`. Throws with the last answer
    /// (or error) and the service's log tail when it never does.
    public static func waitFor(
        _ url: String, status: Int = 200, timeout: Duration, service: ServiceProcess? = nil
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "no answer"
        while ContinuousClock.now < deadline {
            if let service, !service.isRunning {
                throw EndToEndError("\(service.name) exited with \(service.process.terminationStatus) while waiting for \(url)\n\(service.logTail)")
            }
            do {
                let reply = try await get(url)
                if reply.status == status { return }
                last = "\(reply.status) \(reply.text)"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EndToEndError("\(url) did not answer \(status) within \(timeout): last \(last)\n\(service?.logTail ?? "")")
    }
}

extension Duration {
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
