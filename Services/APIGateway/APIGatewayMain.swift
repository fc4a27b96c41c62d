import ServiceSupport

@main
struct APIGatewayMain {
    static func main() async throws {
        MallocTuning.limitArenas()
        let configuration = APIGatewayConfiguration.load()
        try await APIGateway.run(configuration: configuration, registry: MetricsBootstrap.prometheus())
    }
}
