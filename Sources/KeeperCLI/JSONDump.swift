import Foundation
import KeeperClient
import KeeperProtocol

/// `dump PATH --json`: a subtree with every node's data and stat. Data that is valid
/// UTF-8 is written as a string (`"encoding": "utf8"`), anything else as base64.
public enum JSONDump {
    /// Reads `path` and all of its descendants.
    public static func load(_ client: KeeperClient, path: String) async throws -> JSONValue {
        let (data, stat) = try await client.getData(path)
        var children: [JSONValue] = []
        for name in try await client.getChildren(path).sorted() {
            do {
                children.append(try await load(client, path: PathRules.join(path, name)))
            } catch let error as KeeperError where error.code == .noNode {
                continue
            }
        }
        return node(path: path, data: data, stat: stat, children: children)
    }

    public static func node(path: String, data: [UInt8], stat: Stat, children: [JSONValue]) -> JSONValue {
        let text = String(validating: data, as: UTF8.self)
        return .object([
            ("path", .string(path)),
            ("data", .string(text ?? Data(data).base64EncodedString())),
            ("encoding", .string(text == nil ? "base64" : "utf8")),
            ("stat", statObject(stat)),
            ("children", .array(children)),
        ])
    }

    static func statObject(_ stat: Stat) -> JSONValue {
        .object([
            ("czxid", .number(stat.czxid)), ("mzxid", .number(stat.mzxid)), ("pzxid", .number(stat.pzxid)),
            ("ctime", .number(stat.ctime)), ("mtime", .number(stat.mtime)),
            ("version", .number(Int64(stat.version))), ("cversion", .number(Int64(stat.cversion))),
            ("aversion", .number(Int64(stat.aversion))), ("ephemeralOwner", .number(stat.ephemeralOwner)),
            ("dataLength", .number(Int64(stat.dataLength))), ("numChildren", .number(Int64(stat.numChildren))),
        ])
    }
}

/// Just enough JSON to write a dump with its keys in a fixed, readable order.
public indirect enum JSONValue: Equatable, Sendable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Int64)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// Pretty-printed with two-space indentation.
    public func rendered(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let body = members.map { "\(inner)\(Self.quote($0.0)): \($0.1.rendered(indent: inner))" }
            return "{\n" + body.joined(separator: ",\n") + "\n\(indent)}"
        case .array(let values):
            guard !values.isEmpty else { return "[]" }
            return "[\n" + values.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .string(let string):
            return Self.quote(string)
        case .number(let number):
            return String(number)
        }
    }

    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
