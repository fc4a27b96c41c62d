import ServiceSupport

@main
struct APIGatewayMain {
    static func main() async throws {
        let configuration = APIGatewayConfiguration.load()
        try await APIGateway.run(configuration: configuration, registry: MetricsBootstrap.prometheus())
    }
}
