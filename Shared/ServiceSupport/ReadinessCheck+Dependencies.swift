import Messaging
import Storage

extension ReadinessCheck {
    /// `database`: a `SELECT 1` through the pool answers.
    public static func database(_ pool: PostgresPool) -> ReadinessCheck {
        ReadinessCheck("database") {
            do {
                _ = try await pool.query("SELECT 1", [])
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// `amqp`: the publisher's connection is open.
    public static func broker(_ publisher: Publisher) -> ReadinessCheck {
        ReadinessCheck("amqp") {
            publisher.isConnected ? nil : "not connected to RabbitMQ"
        }
    }

    /// `amqp-consumer` (or `name`, for a service with several consumers): the consumer's
    /// connection is open and consuming.
    public static func consumer(_ consumer: Consumer, name: String = "amqp-consumer") -> ReadinessCheck {
        ReadinessCheck(name) {
            consumer.isConnected ? nil : "not consuming from \(consumer.queue)"
        }
    }
}
