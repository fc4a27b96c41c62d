import ConveyorRuntime

/// What a service does with a configuration it cannot use: say what is wrong with every
/// variable on standard error, and exit with status 2.
public enum ConfigurationFailure {
    public static let exitStatus: Int32 = 2

    public static func exit(_ error: ConfigurationError, service: String) -> Never {
        var text = "\(service): invalid configuration\n"
        for problem in error.problems {
            text += "  \(problem)\n"
        }
        StandardStreams.writeError(text)
        StandardStreams.exitProcess(exitStatus)
    }
}
