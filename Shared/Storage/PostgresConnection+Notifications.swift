import ConveyorRuntime
import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

extension PostgresConnection {
    /// Subscribes the session to `channel` (`LISTEN`, with the name quoted as an identifier).
    func listen(_ channel: String) throws {
        let handle = try openHandle()
        guard let quoted = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
            throw connectionError(handle)
        }
        defer { PQfreemem(quoted) }
        try runScript("LISTEN " + String(cString: quoted))
    }

    /// Waits for notifications and hands each to `deliver`, until the task is cancelled
    /// (returns) or the connection fails (throws).
    ///
    /// Waits in `poll(2)` on the libpq socket and a ``WakeSignal`` that the executor fires
    /// whenever other work is queued for this connection, or the task is cancelled: the thread
    /// sleeps while nothing happens, and other calls on this actor still get their turn.
    func receiveNotifications(_ deliver: @Sendable (PostgresNotification) -> Void) async throws {
        let handle = try openHandle()
        let signal = WakeSignal()
        executor.setWakeHandler { signal.signal() }
        defer { executor.setWakeHandler(nil) }
        try await withTaskCancellationHandler {
            while !Task.isCancelled {
                try deliverPendingNotifications(handle, deliver)
                var descriptors = [
                    pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0),
                    pollfd(fd: signal.descriptor, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&descriptors, 2, Self.pollTimeoutMilliseconds)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw PostgresError(kind: .connectionFailed, message: "poll failed: errno \(errno)")
                }
                if descriptors[1].revents != 0 {
                    signal.clear()
                    if executor.hasPendingJobs { await Task.yield() }
                }
                if descriptors[0].revents != 0 {
                    guard PQconsumeInput(handle) == 1 else { throw connectionError(handle) }
                }
                guard PQstatus(handle) == CONNECTION_OK else { throw connectionError(handle) }
            }
        } onCancel: {
            signal.signal()
        }
    }

    /// Upper bound of one poll; wake-ups normally come earlier, from the socket or the signal.
    private static var pollTimeoutMilliseconds: Int32 { 30_000 }

    private func deliverPendingNotifications(_ handle: OpaquePointer, _ deliver: (PostgresNotification) -> Void) throws {
        while let notify = PQnotifies(handle) {
            let notification = PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                processID: notify.pointee.be_pid
            )
            PQfreemem(notify)
            deliver(notification)
        }
    }
}
