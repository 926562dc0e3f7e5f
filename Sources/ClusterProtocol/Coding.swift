/// A repeated proto field: a Swift array that decodes as `[]` when its key is missing and is
/// left out of the JSON when empty, as protobuf's JSON mapping writes repeated fields.
///
/// Synthesized `Codable` conformances call `decode(_:forKey:)` and `encode(_:forKey:)` on the
/// keyed containers; the overloads below, more specific than the generic ones, are chosen for
/// properties declared `@Repeated`, so no message needs a hand-written `init(from:)`.
extension Mesos {
    @propertyWrapper
    public struct Repeated<Element> {
        public var wrappedValue: [Element]

        public init(wrappedValue: [Element]) {
            self.wrappedValue = wrappedValue
        }
    }
}

extension Mesos.Repeated: Equatable where Element: Equatable {}
extension Mesos.Repeated: Hashable where Element: Hashable {}
extension Mesos.Repeated: Sendable where Element: Sendable {}

extension Mesos.Repeated: Decodable where Element: Decodable {
    public init(from decoder: any Decoder) throws {
        wrappedValue = try [Element](from: decoder)
    }
}

extension Mesos.Repeated: Encodable where Element: Encodable {
    public func encode(to encoder: any Encoder) throws {
        try wrappedValue.encode(to: encoder)
    }
}

extension KeyedDecodingContainer {
    /// A missing or null repeated field is empty.
    public func decode<Element: Decodable>(
        _ type: Mesos.Repeated<Element>.Type, forKey key: Key
    ) throws -> Mesos.Repeated<Element> {
        Mesos.Repeated(wrappedValue: try decodeIfPresent([Element].self, forKey: key) ?? [])
    }
}

extension KeyedEncodingContainer {
    /// An empty repeated field is left out.
    public mutating func encode<Element: Encodable>(_ value: Mesos.Repeated<Element>, forKey key: Key) throws {
        guard !value.wrappedValue.isEmpty else { return }
        try encode(value.wrappedValue, forKey: key)
    }
}

/// A proto enum: its cases' raw values are the proto names. Decoding an unknown name throws a
/// `DecodingError.dataCorrupted` that quotes the name and the path where it was found.
extension Mesos {
    public protocol ProtoEnum: RawRepresentable, CaseIterable, Codable, Hashable, Sendable
    where RawValue == String {}
}

extension Mesos.ProtoEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown \(Self.protoTypeName) value \"\(name)\""))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// `Mesos.TaskState`, `Mesos.SchedulerCall.Kind`: the Swift name without the module.
    static var protoTypeName: String {
        let name = String(reflecting: Self.self)
        guard let dot = name.firstIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}

/// Bad input met while converting a decoded message into the core's types (a negative
/// scalar, a range whose begin is past its end, a resource of a type the core cannot hold).
/// The edge answers it with a 400 and this message.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

enum CodingPathText {
    /// `subscribe.framework_info.capabilities[0].type`; `(top level)` for the document itself.
    static func text(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }
}

extension DecodingError {
    /// One line for an HTTP 400 body: where in the document, and what was wrong there.
    public var protocolDescription: String {
        switch self {
        case .typeMismatch(let type, let context):
            "\(CodingPathText.text(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            "\(CodingPathText.text(context.codingPath)): missing \(type) value: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            "\(CodingPathText.text(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            "\(CodingPathText.text(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            "\(self)"
        }
    }
}
