/// Mesos' v1 HTTP API records (`include/mesos/v1/*.proto`) as Codable value types.
///
/// Every message of the scheduler, executor and operator APIs that Corral speaks lives in
/// this namespace, named as in the proto (`Mesos.FrameworkInfo`, `Mesos.TaskStatus`,
/// `Mesos.SchedulerCall` for scheduler.proto's `Call`). The JSON they read and write is the
/// proto's JSON mapping as Mesos writes it:
///
/// - keys are the proto field names (snake_case) through explicit `CodingKeys`, so no key
///   strategy is needed at the coder; Swift properties are their lowerCamelCase, with a
///   whole-word `id` or `ids` as `ID` or `IDs` (`framework_id` is `frameworkID`);
/// - nested messages nest exactly as in the proto (`{"type":"OFFERS","offers":{"offers":[…]}}`);
/// - enums are their proto names as strings; an unknown name fails decoding, naming the value
///   and where it was;
/// - `bytes` fields are standard base64 strings (`Mesos.Bytes`), int64 and uint32 are JSON
///   numbers, doubles are numbers;
/// - an optional field is a Swift optional, left out of the JSON when nil; a repeated field is
///   a Swift array, `[]` when the key is missing and left out when empty, as Mesos writes it.
///
/// Union messages (calls and events) carry a `type` of a nested `Kind` enum and one optional
/// payload per kind. The proto declares `type` optional; every valid call and event has one, so
/// here it is required and a document without it fails decoding.
///
/// Fields Corral does not use yet (health checks, discovery, volumes, Docker settings, quota,
/// inverse offers, operation feedback) are left out: decoding ignores them, encoding never
/// writes them.
public enum Mesos {}
