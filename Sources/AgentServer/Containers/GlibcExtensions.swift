#if canImport(Glibc)
    import Glibc
#endif

/// The GNU and Linux extensions of glibc the containerizer uses. Swift's Glibc module is
/// built without _GNU_SOURCE, so they are not declared to Swift; they are looked up at run
/// time instead, which also lets an older glibc fall back.
enum GlibcExtensions {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

    struct Functions: @unchecked Sendable {
        /// glibc 2.9.
        let pipe2: Pipe2?
        /// glibc 2.34.
        let addCloseFrom: AddCloseFrom?
        /// glibc 2.29.
        let addChdir: AddChdir?
        /// glibc 2.36, Linux 5.3.
        let pidfdOpen: PidfdOpen?
        /// glibc 2.36, Linux 5.1.
        let pidfdSendSignal: PidfdSendSignal?
    }

    static let functions: Functions = {
        let program = dlopen(nil, RTLD_NOW)
        func find<F>(_ name: String, as type: F.Type) -> F? {
            guard let symbol = dlsym(program, name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        }
        return Functions(
            pipe2: find("pipe2", as: Pipe2.self),
            addCloseFrom: find("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self),
            addChdir: find("posix_spawn_file_actions_addchdir_np", as: AddChdir.self),
            pidfdOpen: find("pidfd_open", as: PidfdOpen.self),
            pidfdSendSignal: find("pidfd_send_signal", as: PidfdSendSignal.self))
    }()

    /// A close-on-exec pipe: [read, write]. Without pipe2, pipe and fcntl, which leaves a
    /// moment in which another thread's fork could inherit the ends.
    static func closeOnExecPipe(nonBlocking: Bool = false) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        let flags = O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)
        if let pipe2 = functions.pipe2 {
            guard pipe2(&fds, flags) == 0 else { return nil }
        } else {
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            }
        }
        return (fds[0], fds[1])
    }
}
