import ServiceSupport

@main
struct OrderProcessorMain {
    static func main() async throws {
        MallocTuning.limitArenas()
        let configuration = OrderProcessorConfiguration.load()
        try await OrderProcessor.run(configuration: configuration, registry: MetricsBootstrap.prometheus())
    }
}
