import ClusterProtocol
import MasterCore

/// The JSON every HTTP endpoint of the cluster decodes (JSONTapeDecoder and MesosJSON,
/// compiled in): scheduler, operator, executor and agent calls, and the master's --acls.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let kind = bytes.first else { return 0 }
    let json = Array(bytes.dropFirst())
    switch kind % 5 {
    case 0: _ = try? MesosJSON.decode(Mesos.SchedulerCall.self, from: json)
    case 1: _ = try? MesosJSON.decode(Mesos.OperatorCall.self, from: json)
    case 2: _ = try? MesosJSON.decode(Mesos.ExecutorCall.self, from: json)
    case 3: _ = try? MesosJSON.decode(AgentCallBatch.self, from: json)
    default: _ = try? JSONTapeDecoder().decode(MesosACLs.self, from: json)
    }
    return 0
}
