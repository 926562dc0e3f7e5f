/// A command that ran and failed (an answer it did not want, a server not there): printed
/// as `Error: …` with exit status 1, without the usage text a mistyped command gets.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
