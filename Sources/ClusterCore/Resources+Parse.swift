/// The agent's `--resources` text, as Mesos reads it: resources separated by `;`, each
/// `name:value` or `name(role):value`, where the value is a scalar (`4`, `0.5`), ranges
/// (`[31000-32000,33000-33010]`) or a set (`{a,b}`). Repeated resources add up; spaces
/// around the parts are ignored. Mesos' JSON form of the flag belongs to the JSON edge.
extension Resources {
    public init(parsing text: String, defaultRole: String = Resource.unreservedRole) throws(ResourceParseError) {
        self.init()
        for item in text.split(separator: ";") {
            let trimmed = item.trimmingSpaces
            guard !trimmed.isEmpty else { continue }
            add(try Resource(parsingItem: trimmed, defaultRole: defaultRole))
        }
    }
}

/// Text that is not a resource; `item` is the offending `name:value` as written.
public struct ResourceParseError: Error, Equatable, CustomStringConvertible {
    public var item: String
    public var reason: String

    public var description: String { "resource '\(item)': \(reason)" }
}

extension Resource {
    fileprivate init(parsingItem item: Substring, defaultRole: String) throws(ResourceParseError) {
        func failure(_ reason: String) -> ResourceParseError { ResourceParseError(item: String(item), reason: reason) }
        guard let colon = item.firstIndex(of: ":") else { throw failure("no ':' between name and value") }
        var head = item[..<colon].trimmingSpaces
        let valueText = item[item.index(after: colon)...].trimmingSpaces
        var role = defaultRole
        if let open = head.firstIndex(of: "(") {
            guard head.last == ")" else { throw failure("role is not closed by ')'") }
            role = String(head[head.index(after: open)..<head.index(before: head.endIndex)].trimmingSpaces)
            head = head[..<open].trimmingSpaces
            guard Resource.isValidRole(role) else { throw failure("invalid role '\(role)'") }
        }
        let name = String(head)
        guard Resource.isValidName(name) else { throw failure("invalid name '\(name)'") }
        guard !valueText.isEmpty else { throw failure("no value") }
        let value: ResourceValue
        switch valueText.first {
        case "[": value = .ranges(try ValueRanges(parsing: valueText, failure: failure))
        case "{": value = .set(try ValueSet(parsing: valueText, failure: failure))
        default:
            guard let amount = Scalar(parsing: String(valueText)) else {
                throw failure("'\(valueText)' is not a scalar from 0 to \(Scalar.unitsMax)")
            }
            value = .scalar(amount)
        }
        self.init(name: name, value: value, role: role)
    }

    private static let reservedCharacters: Set<Character> = ["(", ")", "[", "]", "{", "}", ":", ";", ",", "/"]

    /// A resource name: not empty, no spaces, none of the notation's own characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains { $0.isWhitespace || reservedCharacters.contains($0) }
    }

    /// A role: as a name, and not `.` or `..` (Mesos' role rules, hierarchical roles aside).
    public static func isValidRole(_ role: String) -> Bool {
        isValidName(role) && role != "." && role != ".."
    }
}

extension ValueRanges {
    fileprivate init(
        parsing text: Substring, failure: (String) -> ResourceParseError
    ) throws(ResourceParseError) {
        guard text.last == "]" else { throw failure("ranges are not closed by ']'") }
        var ranges: [ClosedRange<UInt64>] = []
        for part in text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
            let range = part.trimmingSpaces
            if range.isEmpty && text.count == 2 { break }
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let lower = UInt64(bounds[0].trimmingSpaces),
                let upper = UInt64(bounds[1].trimmingSpaces)
            else { throw failure("'\(range)' is not a range 'begin-end'") }
            guard lower <= upper else { throw failure("range '\(range)' ends before it begins") }
            ranges.append(lower...upper)
        }
        self.init(ranges)
    }
}

extension ValueSet {
    fileprivate init(parsing text: Substring, failure: (String) -> ResourceParseError) throws(ResourceParseError) {
        guard text.last == "}" else { throw failure("set is not closed by '}'") }
        var items: [String] = []
        for part in text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces
            if item.isEmpty && text.count == 2 { break }
            guard Resource.isValidName(String(item)) else { throw failure("invalid set item '\(item)'") }
            items.append(String(item))
        }
        self.init(items)
    }
}

extension Substring {
    /// Without leading and trailing whitespace (the core has no Foundation to do it).
    fileprivate var trimmingSpaces: Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex { !$0.isWhitespace }!
        return self[first...last]
    }
}
