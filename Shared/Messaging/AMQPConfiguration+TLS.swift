extension AMQPConfiguration {
    /// TLS settings for `amqps` connections. Peer verification checks the certificate chain
    /// against ``caCertificateFile`` (or the system store) and the certificate's host name.
    public struct TLS: Sendable, Hashable {
        /// PEM file with the certificate authorities to trust.
        public var caCertificateFile: String?
        /// PEM client certificate, presented when the broker asks for one.
        public var certificateFile: String?
        /// PEM private key of ``certificateFile``.
        public var keyFile: String?
        /// Verify the broker's certificate chain. Default `true`.
        public var verifyPeer: Bool
        /// Verify that the broker's certificate names the host connected to. Default `true`.
        public var verifyHostname: Bool

        public init(
            caCertificateFile: String? = nil,
            certificateFile: String? = nil,
            keyFile: String? = nil,
            verifyPeer: Bool = true,
            verifyHostname: Bool = true
        ) {
            self.caCertificateFile = caCertificateFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.verifyPeer = verifyPeer
            self.verifyHostname = verifyHostname
        }
    }
}
