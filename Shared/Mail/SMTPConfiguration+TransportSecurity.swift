extension SMTPConfiguration {
    /// How the connection to the server is protected.
    public enum TransportSecurity: String, Sendable, Equatable {
        /// `smtps://`: TLS from the first byte (port 465).
        case implicitTLS = "smtps"
        /// `starttls=required`: upgrade with STARTTLS, fail if the server does not offer it.
        case requireSTARTTLS = "required"
        /// `starttls=opportunistic`: upgrade with STARTTLS when offered, else stay in clear.
        case opportunisticSTARTTLS = "opportunistic"
        /// `starttls=off`: clear text only (a local relay or test server).
        case plaintext = "off"
    }
}
