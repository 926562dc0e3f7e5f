#if canImport(Glibc)
    import Glibc
#endif

/// The account a container's process runs as when the agent switches users (Mesos'
/// `--switch_user`): resolved from the passwd database at launch, refused when it does
/// not exist, when it is root and the agent does not allow root tasks, or when the agent,
/// not being root, cannot become it.
struct ContainerUser: Sendable, Equatable {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// Switches users: util-linux's setpriv, between the launch shim (still root, to join
    /// the cgroups) and the program. It sets the real and effective ids and the user's
    /// groups, and keeps the environment as given.
    static let setpriv = "/usr/bin/setpriv"

    /// The account `name` names, or nil when no switch is needed (it is the agent's own).
    static func resolve(_ name: String, rootAllowed: Bool) throws -> ContainerUser? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else {
            throw ContainerError(
                .launchFailed,
                "there is no user '\(name)' on this agent — create it, or have the framework name another (FrameworkInfo.user or CommandInfo.user)"
            )
        }
        let user = ContainerUser(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
        if user.uid == 0, !rootAllowed {
            throw ContainerError(
                .launchFailed,
                "tasks may not run as root on this agent — start it with --allow-root-tasks, or have the framework name another user"
            )
        }
        if user.uid == geteuid() { return nil }
        guard geteuid() == 0 else {
            throw ContainerError(
                .launchFailed,
                "the agent runs as uid \(geteuid()) and cannot run tasks as '\(name)' — run it as root, or with --no-switch-user"
            )
        }
        return user
    }

    /// The account a container with `name` runs as; nil (no switch) for none, which is
    /// root on an agent run as root, and so only when root tasks are allowed.
    static func forContainer(_ name: String?, rootAllowed: Bool) throws -> ContainerUser? {
        guard let name else {
            if geteuid() == 0, !rootAllowed {
                throw ContainerError(
                    .launchFailed,
                    "without --switch-user this agent would run the task as root — start it with --allow-root-tasks, or let it switch users"
                )
            }
            return nil
        }
        return try resolve(name, rootAllowed: rootAllowed)
    }

    /// `program` run as this user.
    func wrap(_ program: [String]) -> [String] {
        [Self.setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"] + program
    }

    /// Gives the user the sandbox and the files the launch made in it; a symbolic link
    /// itself, never what it points at.
    func own(_ paths: [String]) throws {
        for path in paths where lchown(path, uid, gid) != 0 && errno != ENOENT {
            throw ContainerError(
                .launchFailed, "cannot give \(path) to user '\(name)': \(String(cString: strerror(errno)))")
        }
    }
}
