import Foundation

/// `deploy/local/smtp-sink.py` run as a child process on a free port, with a mail
/// directory of its own. Every wait is bounded; ``stop()`` kills it and removes the directory.
public final class SMTPSink {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/local/smtp-sink.py")

    /// Starts the sink with extra `arguments` (`--reject`, `--defer`, `--auth`, …) and waits
    /// up to 15 s for it to listen.
    public static func start(_ arguments: [String] = []) async throws -> SMTPSink {
        let python = try await pythonWithAiosmtpd()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("conveyor-smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        let logFile = directory.appendingPathComponent("sink.log")
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw Unavailable(description: "cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            script.path, "--maildir", directory.appendingPathComponent("mail").path,
            "--port", "0", "--port-file", portFile.path,
        ] + arguments
        process.standardOutput = log
        process.standardError = log
        try process.run()

        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return SMTPSink(port: port, directory: directory, process: process)
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(at: directory)
                throw Unavailable(description: "smtp-sink exited with status \(process.terminationStatus): \(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let sink = SMTPSink(port: 0, directory: directory, process: process)
        await sink.stop()
        throw Unavailable(description: "smtp-sink did not start listening within 15 s")
    }

    /// Stops the sink (SIGTERM, then SIGKILL after 5 s) and deletes its directory.
    public func stop() async {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The messages stored so far, oldest first. The sink writes them before it answers
    /// `250`, so a message whose send returned is here.
    public func messages() throws -> [StoredMail] {
        let mail = directory.appendingPathComponent("mail")
        let names = try FileManager.default.contentsOfDirectory(atPath: mail.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let envelope = try JSONDecoder().decode(
                StoredMail.Envelope.self, from: Data(contentsOf: mail.appendingPathComponent(name)))
            let raw = try Data(contentsOf: mail.appendingPathComponent(envelope.file))
            return StoredMail(envelope: envelope, raw: Array(raw))
        }
    }

    /// The first of `/usr/bin/python3` (Debian's, where python3-aiosmtpd installs) and the
    /// `python3` on PATH that can import aiosmtpd.
    private static func pythonWithAiosmtpd() async throws -> String {
        var candidates = ["/usr/bin/python3"]
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/python3")
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: candidate)
            check.arguments = ["-c", "import aiosmtpd"]
            check.standardOutput = FileHandle.nullDevice
            check.standardError = FileHandle.nullDevice
            try check.run()
            let deadline = ContinuousClock.now + .seconds(10)
            while check.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            if check.isRunning {
                check.terminate()
                continue
            }
            if check.terminationStatus == 0 { return candidate }
        }
        throw Unavailable(
            description: "no python3 with aiosmtpd found (tried /usr/bin/python3 and PATH); "
                + "the SMTP integration tests need it: apt-get install python3-aiosmtpd")
    }
}

/// Runs `body` with a started sink and stops the sink afterwards, also when `body` throws.
public func withSMTPSink<Result>(
    _ arguments: [String] = [],
    _ body: (SMTPSink) async throws -> Result
) async throws -> Result {
    let sink = try await SMTPSink.start(arguments)
    do {
        let result = try await body(sink)
        await sink.stop()
        return result
    } catch {
        await sink.stop()
        throw error
    }
}
