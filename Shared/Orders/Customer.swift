/// The customer who placed an order.
public struct Customer: Hashable, Sendable, Codable {
    public var id: String
    public var name: String?
    public var email: String?

    public init(id: String, name: String? = nil, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }
}
