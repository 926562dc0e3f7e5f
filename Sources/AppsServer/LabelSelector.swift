/// Marathon's label selector for `GET /v2/apps?label=…`: comma-separated terms, each
/// `key` (present), `key==value`, `key!=value`, `key in (a, b)` or `key notin (a, b)`;
/// an app matches when every term does.
struct LabelSelector {
    enum Term: Equatable {
        case exists(String)
        case equals(String, String)
        case differs(String, String)
        case among(String, Set<String>)
        case notAmong(String, Set<String>)
    }

    let terms: [Term]

    init(parsing text: String) throws(MarathonError) {
        var terms: [Term] = []
        for part in Self.split(text) {
            let term = part.trimmingSpaces
            guard !term.isEmpty else { continue }
            guard let parsed = Self.term(term) else {
                throw .badRequest("Invalid label selector '\(text)': cannot read '\(term)'")
            }
            terms.append(parsed)
        }
        self.terms = terms
    }

    func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .exists(let key): labels[key] != nil
            case .equals(let key, let value): labels[key] == value
            case .differs(let key, let value): labels[key] != value
            case .among(let key, let values): labels[key].map(values.contains) ?? false
            case .notAmong(let key, let values): !(labels[key].map(values.contains) ?? false)
            }
        }
    }

    /// Splits at commas outside parentheses.
    private static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "," where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    private static func term(_ text: String) -> Term? {
        if let range = text.firstRange(of: "!=") {
            return .differs(
                String(text[..<range.lowerBound]).trimmingSpaces, String(text[range.upperBound...]).trimmingSpaces)
        }
        if let range = text.firstRange(of: "==") {
            return .equals(
                String(text[..<range.lowerBound]).trimmingSpaces, String(text[range.upperBound...]).trimmingSpaces)
        }
        for (word, negated) in [(" notin ", true), (" in ", false)] {
            guard let range = text.firstRange(of: word) else { continue }
            let key = String(text[..<range.lowerBound]).trimmingSpaces
            var list = String(text[range.upperBound...]).trimmingSpaces
            guard list.hasPrefix("("), list.hasSuffix(")") else { return nil }
            list = String(list.dropFirst().dropLast())
            let values = Set(list.split(separator: ",").map { String($0).trimmingSpaces })
            return negated ? .notAmong(key, values) : .among(key, values)
        }
        return text.contains(where: { $0 == " " || $0 == "=" || $0 == "(" }) ? nil : .exists(text)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
