/// A delivery whose body is not what its handler takes: dead-lettered as `malformed` with
/// ``detail``.
public struct MalformedMessage: Error, Sendable {
    public var detail: String

    public init(_ detail: String) {
        self.detail = detail
    }
}
