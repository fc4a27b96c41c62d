import ArgumentParser

extension DeadLetterFilter.StatusChoice: ExpressibleByArgument {}
