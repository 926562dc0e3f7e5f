import KeeperProtocol

/// Transactions: `multi` applies its writes atomically, `multiRead` reads several nodes
/// in one round trip.
extension KeeperClient {
    /// Applies every op or none. On failure it throws a `KeeperError` with the failing
    /// op's code and path and `results` holding every op's result.
    @discardableResult
    public func multi(_ ops: [MultiOp]) async throws -> [MultiResult] {
        guard !ops.isEmpty else { return [] }
        var requests: [Request] = []
        for op in ops {
            requests.append(op.serverRequest(try serverPath(op.path, sequential: op.isSequentialCreate)))
        }
        guard case .multi(let serverResults) = try await call(.multi(requests), path: nil) else {
            throw KeeperError(.marshallingError)
        }
        let results = serverResults.map(clientResult)
        if let index = results.firstIndex(where: { ($0.error ?? .ok) != .ok }), let code = results[index].error {
            throw KeeperError(code, path: index < ops.count ? ops[index].path : nil, results: results)
        }
        return results
    }

    /// Runs every read; each result is the read's value or `.error(code)` on its own.
    public func multiRead(_ ops: [MultiReadOp]) async throws -> [MultiResult] {
        guard !ops.isEmpty else { return [] }
        var requests: [Request] = []
        for op in ops { requests.append(op.serverRequest(try serverPath(op.path))) }
        guard case .multi(let results) = try await call(.multiRead(requests), path: nil) else {
            throw KeeperError(.marshallingError)
        }
        return results
    }

    private func clientResult(_ result: MultiResult) -> MultiResult {
        switch result {
        case .create(let path): return .create(path: chroot.clientPath(path))
        case .create2(let path, let stat): return .create2(path: chroot.clientPath(path), stat: stat)
        default: return result
        }
    }
}
