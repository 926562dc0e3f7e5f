import ClusterCore
import ClusterProtocol

/// Mesos' checks of a SUBSCRIBE call's FrameworkInfo, in Mesos' order; each problem is the
/// message of a 400.
enum FrameworkValidation {
    static func problem(in info: Mesos.FrameworkInfo, call: Mesos.SchedulerCall) -> String? {
        if let callID = call.frameworkID, callID != info.id {
            return "'framework_id' differs from 'subscribe.framework_info.id'"
        }
        if info.id == nil, call.frameworkID != nil {
            return "'framework_id' differs from 'subscribe.framework_info.id'"
        }
        if let id = info.id, !isValidID(id.value) {
            return "'framework_info.id' '\(id.value)' is not a valid id"
        }
        let multiRole = info.capabilities.contains { $0.type == .multiRole }
        if multiRole, info.role != nil {
            return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"
        }
        if !multiRole, !info.roles.isEmpty {
            return "'FrameworkInfo.roles' must be empty unless the framework is MULTI_ROLE capable"
        }
        let roles = info.effectiveRoles
        if roles.isEmpty {
            return "A MULTI_ROLE framework must subscribe to at least one role in 'FrameworkInfo.roles'"
        }
        if let bad = roles.first(where: { !Resource.isValidRole($0) }) {
            return "Role '\(bad)' is not a valid role name"
        }
        if Set(roles).count != roles.count { return "'FrameworkInfo.roles' contains duplicate roles" }
        if let timeout = info.failoverTimeout, !(timeout >= 0) {
            return "'FrameworkInfo.failover_timeout' must be a non-negative number of seconds"
        }
        let suppressed = call.subscribe?.suppressedRoles ?? []
        if let stray = suppressed.first(where: { !roles.contains($0) }) {
            return "Suppressed role '\(stray)' is not one of the framework's roles"
        }
        return nil
    }

    /// Mesos' id rule: non-empty, at most 255 bytes, no '/', no '\0', not '.' or '..'.
    static func isValidID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 255 && value != "." && value != ".."
            && !value.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 || $0 < 0x20 })
    }
}
