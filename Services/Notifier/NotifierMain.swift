import ServiceSupport

@main
struct NotifierMain {
    static func main() async throws {
        MallocTuning.limitArenas()
        let configuration = NotifierConfiguration.load()
        try await Notifier.run(configuration: configuration, registry: MetricsBootstrap.prometheus())
    }
}
