import KeeperClient

/// The one line zkcli prints on standard error for a failure, worded like zkCli.sh
/// (`Node does not exist: /a`, `Insufficient permission: /a`).
public enum ErrorText {
    public static func line(_ error: any Error) -> String {
        switch error {
        // A refused auth packet ends the session whatever the command was; no path to name.
        case let error as KeeperError where error.code == .authFailed: return error.code.message
        case let error as KeeperError: return error.description
        case let error as KeeperClientError: return error.description
        case let error as UsageError: return error.message
        default: return String(describing: error)
        }
    }
}
