@testable import AgentStorage

/// An agent's checkpoint payload as it reads it back at start (records of JSON).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    _ = try? CheckpointRecords.decode(fuzzBytes(start, count))
    return 0
}
