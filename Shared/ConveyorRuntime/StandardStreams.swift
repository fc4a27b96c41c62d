#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the process's standard streams and ending it, with the C library directly.
package enum StandardStreams {
    /// Writes all of `text` to `descriptor` with `write(2)`, continuing after a short write or
    /// an interrupted call; stops at any other error (a closed pipe has nobody left to read).
    package static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Writes `text` to standard error.
    package static func writeError(_ text: String) {
        write(text, to: 2)
    }

    /// Ends the process with `status`, as `exit(3)` does (for code that has its own `exit`).
    package static func exitProcess(_ status: Int32) -> Never {
        exit(status)
    }
}
