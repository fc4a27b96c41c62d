import Testing

@testable import Mail

@Suite struct SMTPConfigurationTests {
    let sender = try! MailAddress("orders@shop.example")

    @Test func readsAPlainURLWithDefaults() throws {
        let configuration = try SMTPConfiguration(url: "smtp://mail.example.com", sender: sender)
        #expect(configuration.host == "mail.example.com")
        #expect(configuration.port == 25)
        #expect(configuration.transportSecurity == .opportunisticSTARTTLS)
        #expect(configuration.verifiesPeer)
        #expect(configuration.caCertificatePath == nil)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.curlURL == "smtp://mail.example.com:25/")
    }

    @Test func readsCredentialsPortAndOptions() throws {
        let configuration = try SMTPConfiguration(
            url: "smtp://notifier%40shop:p%40ss%3Aw0rd@relay.internal:587?starttls=required&verify=none"
                + "&cacert=/etc/ssl/ca.pem&timeout=5s&connect_timeout=1500ms",
            sender: sender, heloName: "notifier.shop.example")
        #expect(configuration.username == "notifier@shop")
        #expect(configuration.password == "p@ss:w0rd")
        #expect(configuration.host == "relay.internal")
        #expect(configuration.port == 587)
        #expect(configuration.transportSecurity == .requireSTARTTLS)
        #expect(!configuration.verifiesPeer)
        #expect(configuration.caCertificatePath == "/etc/ssl/ca.pem")
        #expect(configuration.timeout == .seconds(5))
        #expect(configuration.connectTimeout == .milliseconds(1500))
        #expect(configuration.curlURL == "smtp://relay.internal:587/notifier.shop.example")
    }

    @Test func credentialsMakeSTARTTLSRequiredUnlessSaidOtherwise() throws {
        let implicit = try SMTPConfiguration(url: "smtp://user:secret@relay", sender: sender)
        #expect(implicit.transportSecurity == .requireSTARTTLS)
        let explicit = try SMTPConfiguration(url: "smtp://user:secret@127.0.0.1:2525?starttls=off", sender: sender)
        #expect(explicit.transportSecurity == .plaintext)
    }

    @Test func smtpsIsImplicitTLSOnPort465() throws {
        let configuration = try SMTPConfiguration(url: "smtps://user:secret@smtp.example.com", sender: sender)
        #expect(configuration.transportSecurity == .implicitTLS)
        #expect(configuration.port == 465)
        #expect(configuration.curlURL == "smtps://smtp.example.com:465/")
    }

    @Test func readsIPv6Hosts() throws {
        let configuration = try SMTPConfiguration(url: "smtp://[::1]:2525?starttls=off", sender: sender)
        #expect(configuration.host == "::1")
        #expect(configuration.port == 2525)
        #expect(configuration.curlURL == "smtp://[::1]:2525/")
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try SMTPConfiguration(url: "smtp://user:hunter2@relay:587", sender: sender)
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("user:***@relay:587"))
        #expect(!"\(configuration)".contains("hunter2"))
    }

    @Test(arguments: [
        ("http://mail.example.com", "unsupported scheme"),
        ("mail.example.com:25", "must start with"),
        ("smtp://", "no host"),
        ("smtp://mail.example.com:0", "invalid port"),
        ("smtp://mail.example.com:70000", "invalid port"),
        ("smtp://mail.example.com:2x", "invalid port"),
        ("smtp://mail example.com", "invalid host"),
        ("smtp://[::1", "unterminated"),
        ("smtp://mail.example.com/helo.example", "path"),
        ("smtp://mail.example.com?starttls=maybe", "starttls must be"),
        ("smtps://mail.example.com?starttls=required", "smtp:// only"),
        ("smtp://mail.example.com?verify=sometimes", "verify must be"),
        ("smtp://mail.example.com?timeout=soon", "timeout must be"),
        ("smtp://mail.example.com?timeout=0s", "timeout must be"),
        ("smtp://mail.example.com?connect_timeout=-1s", "connect_timeout must be"),
        ("smtp://mail.example.com?tls=on", "unknown option \"tls\""),
        ("smtp://mail.example.com?verify=peer&verify=none", "given twice"),
        ("smtp://:secret@mail.example.com", "user name is empty"),
    ])
    func rejectsBadURLs(url: String, reason: String) {
        #expect {
            try SMTPConfiguration(url: url, sender: sender)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func errorsDoNotRepeatThePassword() {
        #expect {
            try SMTPConfiguration(url: "smtp://user:hunter2@mail.example.com:99999", sender: sender)
        } throws: { error in
            !"\(error)".contains("hunter2")
        }
    }

    @Test func rejectsABadEHLOName() {
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPConfiguration(url: "smtp://mail.example.com", sender: sender, heloName: "bad name\r\nRSET")
        }
    }
}
