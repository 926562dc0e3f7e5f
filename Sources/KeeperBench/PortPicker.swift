import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Free TCP ports on 127.0.0.1 for the servers a benchmark starts.
///
/// A port free now may still be one of ours: Keeper names an election port in its server.N
/// lines but never binds it, and a member killed for an election measurement leaves its
/// ports free until it starts again. So a port handed out once is never handed out again by
/// this process.
public enum PortPicker {
    private static let handedOut = NIOLockedValueBox<Set<Int>>([])

    /// `count` distinct free ports: the first ones of `range` that nothing listens on, or
    /// without a range the kernel's picks. Each stays bound until all are picked, so none
    /// comes twice.
    public static func pick(_ count: Int, in range: ClosedRange<Int>? = nil) throws(BenchError) -> [Int] {
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        var ports: [Int] = []
        let candidates: [Int] = range.map(Array.init) ?? Array(repeating: 0, count: 1000)
        for candidate in candidates where ports.count < count {
            if candidate != 0 && isHandedOut(candidate) { continue }
            guard let (fd, port) = bind(candidate) else { continue }
            held.append(fd)
            if !isHandedOut(port) { ports.append(port) }
        }
        guard ports.count == count else {
            let source = range.map { "in \($0.lowerBound)-\($0.upperBound)" } ?? "from the kernel"
            throw .invalidOption("no \(count) free ports on 127.0.0.1 \(source) (found \(ports.count))")
        }
        handedOut.withLockedValue { $0.formUnion(ports) }
        return ports
    }

    /// "LO-HI" as a range of ports.
    public static func parseRange(_ text: String) throws(BenchError) -> ClosedRange<Int> {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard bounds.count == 2, let low = bounds[0], let high = bounds[1], 1 <= low, low <= high, high <= 65535
        else {
            throw .invalidOption("'\(text)' is not a port range: write LO-HI, such as 21000-21999")
        }
        return low...high
    }

    private static func isHandedOut(_ port: Int) -> Bool { handedOut.withLockedValue { $0.contains(port) } }

    /// A socket bound to 127.0.0.1:`port` (0: any) and the port it got, or nil if taken.
    private static func bind(_ port: Int) -> (Int32, Int)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard Glibc.bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
