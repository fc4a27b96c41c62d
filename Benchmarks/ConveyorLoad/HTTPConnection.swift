import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 keep-alive connection that sends a request and reads its whole response
/// before sending the next: the load generator's client, one per concurrent worker.
///
/// Built on swift-nio's HTTP/1 codec rather than URLSession: on Linux URLSession keeps up
/// (about 2,500 requests/s over 64 connections on a 2-core machine) but spends about twice the
/// CPU per request, and on one machine that CPU is taken from the services being measured.
struct HTTPConnection {
    /// The status and body of one response.
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    enum Failure: Error, CustomStringConvertible {
        case closedByServer
        case unexpectedPart

        var description: String {
            switch self {
            case .closedByServer: "the server closed the connection"
            case .unexpectedPart: "the server sent an HTTP response part out of order"
            }
        }
    }

    private let authority: String
    private var responses: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let requests: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Connects to `host:port` on `group`, runs `body` with the connection and closes it.
    static func with<Result: Sendable>(
        host: String, port: Int, group: any EventLoopGroup,
        _ body: (inout HTTPConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = HTTPConnection(
                authority: "\(host):\(port)", responses: inbound.makeAsyncIterator(), requests: outbound)
            return try await body(&connection)
        }
    }

    private init(
        authority: String,
        responses: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        requests: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) {
        self.authority = authority
        self.responses = responses
        self.requests = requests
    }

    /// Sends one request, with `json` as its body when given, and waits for the whole response.
    mutating func send(_ method: HTTPMethod, _ path: String, json: ByteBuffer? = nil) async throws -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: authority)
        headers.add(name: "Accept", value: "application/json")
        if let json {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(json.readableBytes))
        }
        var parts: [HTTPClientRequestPart] = [.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers))]
        if let json { parts.append(.body(.byteBuffer(json))) }
        parts.append(.end(nil))
        try await requests.write(contentsOf: parts)

        var status: Int?
        var body = ByteBuffer()
        while let part = try await responses.next() {
            switch part {
            case .head(let head):
                // An informational (1xx) head comes before the real one.
                if head.status.code >= 200 { status = Int(head.status.code) }
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let status else { throw Failure.unexpectedPart }
                return Response(status: status, body: body)
            }
        }
        throw Failure.closedByServer
    }
}
