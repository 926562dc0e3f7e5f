/// The few lines of /bin/sh that stand between posix_spawn and the container's program.
///
/// posix_spawn cannot run code between fork and exec, yet the process must be in its
/// cgroups before the program starts, or what the program forks at once could escape the
/// limits. So the containerizer spawns `/bin/sh -c SCRIPT corral-launch PWD PROCS… PROGRAM
/// ARGS…`: the shell writes its own pid ($$) to each cgroup.procs, reports on fd 3 (a pipe
/// the containerizer reads), closes fd 3 and execs the program in the same process. A failed
/// write makes the shim print the shell's reason on fd 3 and exit with
/// `failureStatus`; the containerizer reports a launch failure with that reason.
///
/// The script uses positional parameters only: an assignment to a variable the environment
/// holds would change or leak it. Dash exports PWD, so the shim restores PWD from its first
/// argument (`-` for absent) before exec, keeping the environment exactly as given.
enum ContainerLaunchShim {
    static let shell = "/bin/sh"
    /// argv[0] of the shell, as ps shows it until the exec.
    static let name = "corral-launch"
    /// The shim's exit status when it cannot join a cgroup.
    static let failureStatus: Int32 = 121
    /// The descriptor the shim reports on; the containerizer's pipe is duplicated onto it.
    static let statusDescriptor: Int32 = 3
    /// What the shim writes on fd 3 once it is in every cgroup.
    static let joined = "joined"

    /// The script for a container with `procsFiles.count` cgroup.procs files.
    static func script(procsFileCount count: Int) -> String {
        var lines: [String] = []
        for index in 0..<count {
            // $1 is PWD; the procs files are $2…
            lines.append("{ echo $$ > \"$\(index + 2)\"; } 2>&3 || exit \(failureStatus)")
        }
        lines.append("echo \(joined) >&3")
        lines.append("exec 3>&-")
        lines.append("case $1 in -) unset PWD ;; *) PWD=${1#=}; export PWD ;; esac")
        lines.append("shift \(count + 1)")
        lines.append("exec \"$@\"")
        return lines.joined(separator: "\n")
    }

    /// The shell's argv: the script, then PWD, the procs files and the program's argv.
    static func argv(procsFiles: [String], environment: [String: String], program: [String]) -> [String] {
        let pwd = environment["PWD"].map { "=" + $0 } ?? "-"
        return [shell, "-c", script(procsFileCount: procsFiles.count), name, pwd] + procsFiles + program
    }
}
