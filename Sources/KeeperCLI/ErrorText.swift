import KeeperClient

/// The one line zkcli prints on standard error for a failure, worded like zkCli.sh
/// (`Node does not exist: /a`, `Insufficient permission: /a`).
public enum ErrorText {
    public static func line(_ error: any Error) -> String {
        switch error {
        case let error as KeeperError: return error.description
        case let error as KeeperClientError: return error.description
        case let error as UsageError: return error.message
        default: return String(describing: error)
        }
    }
}
