import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Reaps the containers' main processes, each by its own pid, never with waitpid(-1): other
/// parts of the agent (and the tests) have children of their own.
///
/// One thread blocks in poll(2) over a pidfd per child plus a wake-up pipe; a pidfd polls
/// readable when its process exits, and the thread then calls waitpid(pid, WNOHANG). Where
/// pidfd_open is missing, the thread wakes every `fallbackPollInterval` and tries waitpid
/// on every child instead. waitpid and signals to a child happen under one lock, so a
/// signal never reaches a pid that was reaped and reused meanwhile.
final class ContainerReaper: Sendable {
    /// Called once, on the reaper thread, with the waitpid status (nil if the child was
    /// reaped by someone else). Must not block.
    typealias OnExit = @Sendable (_ waitStatus: Int32?) -> Void

    static let fallbackPollIntervalMilliseconds: Int32 = 50

    private struct Child {
        let pid: Int32
        /// -1 without pidfd support.
        let descriptor: Int32
        let onExit: OnExit
    }

    private struct State {
        var children: [Int32: Child] = [:]
        var stopping = false
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init() throws {
        guard let (read, write) = GlibcExtensions.closeOnExecPipe(nonBlocking: true) else {
            throw ContainerError(.launchFailed, "cannot create the reaper's pipe: \(KernelFile.lastError)")
        }
        wakeRead = read
        wakeWrite = write
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let reaper = Unmanaged<ContainerReaper>.fromOpaque(raw!).takeRetainedValue()
                reaper.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<ContainerReaper>.fromOpaque(context).release()
            close(wakeRead)
            close(wakeWrite)
            throw ContainerError(
                .launchFailed, "cannot start the reaper thread: \(String(cString: strerror(result)))")
        }
        pthread_detach(thread)
    }

    /// Watches `pid`, a child of this process not yet reaped.
    func register(pid: Int32, onExit: @escaping OnExit) throws {
        let descriptor = ProcessDescriptor.open(pid) ?? -1
        let registered = state.withLockedValue { state -> Bool in
            guard !state.stopping else { return false }
            state.children[pid] = Child(pid: pid, descriptor: descriptor, onExit: onExit)
            wake(state)
            return true
        }
        if !registered {
            if descriptor >= 0 { close(descriptor) }
            throw ContainerError(.shutDown, "the containerizer is shut down; create a new one to launch")
        }
    }

    /// Sends `signal` to the child's process group and to the child itself, if the child is
    /// not reaped yet; returns whether it was still there. A process group outlives its
    /// leader while it has members, so the group is signalled in any case.
    @discardableResult
    func signal(pid: Int32, _ signal: Int32) -> Bool {
        // kill(-0) and kill(-1) would signal this process's group, or every process.
        precondition(pid > 1, "signal \(signal) to pid \(pid): no container's process")
        return state.withLockedValue { state in
            _ = kill(-pid, signal)
            guard let child = state.children[pid] else { return false }
            if child.descriptor >= 0 && ProcessDescriptor.canSendSignals {
                ProcessDescriptor.send(signal, to: child.descriptor)
            } else {
                _ = kill(pid, signal)
            }
            return true
        }
    }

    func isWatching(_ pid: Int32) -> Bool { state.withLockedValue { $0.children[pid] != nil } }

    /// Stops the thread; children still running are no longer reaped here.
    func stop() {
        state.withLockedValue { state in
            state.stopping = true
            wake(state)
        }
    }

    private func wake(_ state: State) {
        guard !state.closed else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func run() {
        while true {
            let (children, stopping) = state.withLockedValue { (Array($0.children.values), $0.stopping) }
            if stopping { break }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            fds += children.filter { $0.descriptor >= 0 }.map {
                pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0)
            }
            let polling = children.contains { $0.descriptor < 0 }
            let ready = poll(&fds, nfds_t(fds.count), polling ? Self.fallbackPollIntervalMilliseconds : -1)
            if ready < 0 && errno != EINTR {
                // Nothing to do about a failing poll but not to spin on it.
                usleep(UInt32(Self.fallbackPollIntervalMilliseconds) * 1000)
            }
            if fds[0].revents != 0 { drainWakePipe() }
            let exited = Set(fds.dropFirst().filter { $0.revents != 0 }.map(\.fd))
            for child in children where child.descriptor < 0 || exited.contains(child.descriptor) {
                reap(child)
            }
        }
        state.withLockedValue { state in
            for child in state.children.values where child.descriptor >= 0 { close(child.descriptor) }
            state.children = [:]
            state.closed = true
            close(wakeRead)
            close(wakeWrite)
        }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while buffer.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func reap(_ child: Child) {
        let outcome: Int32?? = state.withLockedValue { state in
            var status: Int32 = 0
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == 0 || (result < 0 && errno == EINTR) { return .none }
            state.children[child.pid] = nil
            if child.descriptor >= 0 { close(child.descriptor) }
            return result == child.pid ? .some(status) : .some(nil)
        }
        if case .some(let status) = outcome { child.onExit(status) }
    }
}
