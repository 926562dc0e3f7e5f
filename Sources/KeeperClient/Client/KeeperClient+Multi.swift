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

    /// Every child of `directory` with its data, by name in order, read `batch` at a time
    /// with multiRead. A child deleted between the listing and its read is left out.
    public func childrenData(of directory: String, batch: Int = 100) async throws -> [(name: String, data: [UInt8])] {
        let names = try await getChildren(directory).sorted()
        var entries: [(name: String, data: [UInt8])] = []
        for start in stride(from: 0, to: names.count, by: batch) {
            let slice = names[start..<min(start + batch, names.count)]
            let results = try await multiRead(slice.map { .getData(PathRules.join(directory, $0)) })
            for (name, result) in zip(slice, results) {
                if case .getData(let data, _) = result { entries.append((name, data ?? [])) }
            }
        }
        return entries
    }

    private func clientResult(_ result: MultiResult) -> MultiResult {
        switch result {
        case .create(let path): return .create(path: chroot.clientPath(path))
        case .create2(let path, let stat): return .create2(path: chroot.clientPath(path), stat: stat)
        default: return result
        }
    }
}
