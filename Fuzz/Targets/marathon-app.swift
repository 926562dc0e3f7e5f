import AppsCore

/// Marathon's app JSON as Apps decodes a POST or PUT (JSONTapeDecoder, compiled in), then
/// applies it to an app and validates the result, as the REST API does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let json = fuzzBytes(start, count)
    guard let update = try? JSONTapeDecoder().decode(AppUpdate.self, from: json) else { return 0 }
    let (app, problems) = AppDefinition(id: AppID("/fuzzed")).applying(update)
    if problems.isEmpty { _ = app.problems }
    return 0
}
