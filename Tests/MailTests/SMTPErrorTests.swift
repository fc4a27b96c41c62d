import Testing

@testable import Mail

@Suite struct SMTPErrorTests {
    @Test func fourHundredRepliesAreDeferredWherever() {
        for command in ["connect", "EHLO", "MAIL FROM", "RCPT TO", "DATA", "end of data"] {
            for code in [421, 450, 451, 452] {
                let kind = SMTPError.Kind.classify(transport: .connectionLost, replyCode: code, command: command)
                #expect(kind == .deferred)
            }
        }
    }

    @Test func fiveHundredRepliesToTheMessageAreRejections() {
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 550, command: "RCPT TO") == .rejected)
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 553, command: "RCPT TO") == .rejected)
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 554, command: "DATA") == .rejected)
        #expect(
            SMTPError.Kind.classify(transport: .protocolViolation, replyCode: 554, command: "end of data") == .rejected)
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 552, command: "MAIL FROM") == .rejected)
    }

    @Test func fiveHundredRepliesOutsideTheMessageAreNotPermanent() {
        #expect(SMTPError.Kind.classify(transport: .protocolViolation, replyCode: 554, command: "connect") == .refused)
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 553, command: "MAIL FROM") == .refused)
        #expect(SMTPError.Kind.classify(transport: .connectionLost, replyCode: 530, command: "MAIL FROM") == .authentication)
        #expect(SMTPError.Kind.classify(transport: .authentication, replyCode: 535, command: "AUTH") == .authentication)
    }

    @Test func withoutAReplyTheTransportDecides() {
        #expect(SMTPError.Kind.classify(transport: .timeout, replyCode: nil, command: "connect") == .timeout)
        #expect(SMTPError.Kind.classify(transport: .unreachable, replyCode: nil, command: "connect") == .unreachable)
        #expect(SMTPError.Kind.classify(transport: .tls, replyCode: 250, command: "EHLO") == .tls)
    }

    @Test func onlyRejectionsArePermanent() {
        for kind in [SMTPError.Kind.unreachable, .timeout, .connectionLost, .tls, .authentication, .deferred,
            .refused, .protocolViolation, .other]
        {
            let error = SMTPError(kind: kind, replyCode: nil, reply: nil, command: nil, curlCode: 0, curlMessage: "")
            #expect(!error.isPermanent)
        }
        let rejected = SMTPError(
            kind: .rejected, replyCode: 550, reply: "550 5.1.1 no such user", command: "RCPT TO", curlCode: 55,
            curlMessage: "RCPT failed: 550")
        #expect(rejected.isPermanent)
        #expect("\(rejected)" == "SMTP rejected at RCPT TO: 550 5.1.1 no such user (libcurl 55: RCPT failed: 550)")
    }

    @Test func transcriptKeepsTheReplyToTheLastCommand() {
        var transcript = SMTPTranscript()
        transcript.received("220 mail.example ESMTP\r\n")
        #expect(transcript.command == "connect")
        #expect(transcript.replyCode == 220)
        transcript.sent("EHLO client\r\n")
        transcript.received("250-mail.example\r\n250-SIZE 1000\r\n")
        #expect(transcript.replyCode == nil)
        transcript.received("250 HELP\r\n")
        #expect(transcript.reply == "250-mail.example 250-SIZE 1000 250 HELP")
        transcript.sent("AUTH PLAIN\r\n")
        transcript.received("334 \r\n")
        transcript.sent("AHVzZXIAc2VjcmV0\r\n")
        #expect(transcript.command == "AUTH")
        transcript.received("235 ok\r\n")
        transcript.sent("MAIL FROM:<a@b.example> SIZE=10\r\n")
        transcript.received("250 OK\r\n")
        transcript.sent("RCPT TO:<c@d.example>\r\n")
        transcript.received("250 OK\r\n")
        transcript.sent("DATA\r\n")
        transcript.received("354 go ahead\r\n")
        #expect(transcript.command == "end of data")
        #expect(transcript.replyCode == nil)
        transcript.received("554 5.7.1 spam\r\n")
        transcript.sent("QUIT\r\n")
        transcript.received("221 bye\r\n")
        #expect(transcript.command == "end of data")
        #expect(transcript.replyCode == 554)
        #expect(transcript.reply == "554 5.7.1 spam")
    }

    @Test func transcriptNeverKeepsCommandArguments() {
        var transcript = SMTPTranscript()
        transcript.sent("AUTH PLAIN AHVzZXIAc2VjcmV0\r\n")
        transcript.received("535 5.7.8 bad credentials\r\n")
        #expect(transcript.command == "AUTH")
        #expect(!"\(transcript)".contains("AHVzZXIAc2VjcmV0"))
    }
}
