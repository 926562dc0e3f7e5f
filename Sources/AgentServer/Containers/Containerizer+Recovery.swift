#if canImport(Glibc)
    import Glibc
#endif

/// After the agent restarted: its containers' processes, no longer its children, are taken
/// back (Mesos' containerizer `recover`), and what is left of containers it does not take
/// back is killed.
extension Containerizer {
    /// Takes back a container whose main process is `pid`, started at `startTime`; nil if
    /// that process is no longer there. Its end is learnt by polling /proc every
    /// `memoryPollInterval`; how it ended is unknown (init reaps it).
    public func adopt(_ containerID: String, pid: Int32, startTime: UInt64, sandbox: String) -> ContainerHandle? {
        guard containers[containerID] == nil, ProcessTable.isAlive(pid, startTime: startTime) else { return nil }
        let cgroup = existingCgroup(containerID)
        let handle = ContainerHandle(
            containerID: containerID, pid: pid, startTime: startTime, cgroups: cgroup?.directories ?? [],
            sandbox: sandbox)
        var record = Record(
            handle: handle, spec: ContainerSpec(containerID: containerID, sandbox: sandbox, argv: []), cgroup: cgroup)
        record.adopted = true
        containers[containerID] = record
        startMonitor()
        logger.debug("took back container", metadata: ["container": "\(containerID)", "pid": "\(pid)"])
        return handle
    }

    /// Kills whatever is left in the cgroups of a container that is not taken back (its
    /// process is gone, or never started, or its framework does not checkpoint) and
    /// removes them. Without cgroups there is nothing to find it by.
    public func removeRemains(of containerID: String) async {
        guard containers[containerID] == nil else { return }
        waitShim?.removeStatus(of: containerID)
        guard let cgroup = existingCgroup(containerID) else { return }
        await sweep(cgroup, of: containerID)
        try? cgroup.remove()
    }

    private func existingCgroup(_ containerID: String) -> ContainerCgroup? {
        guard let cgroup = ContainerCgroup(isolation: isolation, containerID: containerID),
            cgroup.directories.allSatisfy({ access($0, F_OK) == 0 })
        else { return nil }
        return cgroup
    }

    /// Adopted containers whose main process has gone end with the status their wait shim
    /// wrote, or an unknown one (no shim, or it was killed before it could write).
    func checkAdopted() {
        for (id, record) in containers where record.adopted && record.termination == nil {
            guard !ProcessTable.isAlive(record.handle.pid, startTime: record.handle.startTime) else { continue }
            containers[id]?.adopted = false  // seen to end once: the next poll leaves it to onExited
            let status = waitShim?.status(of: id)
            Task { await self.onExited(id, waitStatus: status) }
        }
    }
}
