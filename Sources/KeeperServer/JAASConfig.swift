/// A JAAS login configuration as ZooKeeper's servers read it for SASL: sections of login
/// modules with options, e.g.
///
///     Server {
///         org.apache.zookeeper.server.auth.DigestLoginModule required
///         user_alice="alice-secret"
///         user_bob="bob-secret";
///     };
///
/// Keeper takes the DIGEST-MD5 users of one section: every `user_NAME="password"` option of
/// its modules, as ZooKeeper does. `//` and `/* */` comments are skipped.
public enum JAASConfig {
    public struct Module: Equatable, Sendable {
        public var className: String
        public var flag: String
        public var options: [String: String]
    }

    public struct Malformed: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static let digestModule = "org.apache.zookeeper.server.auth.DigestLoginModule"

    /// Every section's modules, by section name.
    public static func parse(_ text: String) throws(Malformed) -> [String: [Module]] {
        var tokens = try tokenize(text)[...]
        var sections: [String: [Module]] = [:]
        while let name = tokens.popFirst() {
            guard case .word(let section) = name, tokens.popFirst() == .symbol("{") else {
                throw Malformed(message: "expected a section name and '{', found \(name)")
            }
            var modules: [Module] = []
            while tokens.first != .symbol("}") {
                modules.append(try module(&tokens, in: section))
            }
            tokens.removeFirst()
            guard tokens.popFirst() == .symbol(";") else {
                throw Malformed(message: "section \(section) must end with '};'")
            }
            sections[section] = modules
        }
        return sections
    }

    /// The users and passwords of `section`'s DigestLoginModule.
    public static func digestUsers(_ text: String, section: String) throws(Malformed) -> [String: String] {
        guard let modules = try parse(text)[section] else {
            throw Malformed(message: "no section named \(section)")
        }
        // As ZooKeeper's SaslServerCallbackHandler: every module's user_ options count.
        var users: [String: String] = [:]
        for module in modules {
            for (key, value) in module.options where key.hasPrefix("user_") && key.count > 5 {
                users[String(key.dropFirst(5))] = value
            }
        }
        guard !users.isEmpty else { throw Malformed(message: "section \(section) names no user_NAME=\"password\"") }
        return users
    }

    private static func module(_ tokens: inout ArraySlice<Token>, in section: String) throws(Malformed) -> Module {
        guard case .word(let className)? = tokens.popFirst(), case .word(let flag)? = tokens.popFirst() else {
            throw Malformed(message: "section \(section): expected a login module class and its flag")
        }
        var options: [String: String] = [:]
        while true {
            switch tokens.popFirst() {
            case .symbol(";"):
                return Module(className: className, flag: flag, options: options)
            case .word(let key):
                guard tokens.popFirst() == .symbol("="), let value = tokens.popFirst() else {
                    throw Malformed(message: "section \(section): option \(key) needs =value")
                }
                switch value {
                case .word(let text), .quoted(let text): options[key] = text
                case .symbol: throw Malformed(message: "section \(section): option \(key) needs a value")
                }
            default:
                throw Malformed(message: "section \(section): module \(className) must end with ';'")
            }
        }
    }

    enum Token: Equatable, CustomStringConvertible {
        case word(String)
        case quoted(String)
        case symbol(Character)

        var description: String {
            switch self {
            case .word(let text): return text
            case .quoted(let text): return "\"\(text)\""
            case .symbol(let character): return "'\(character)'"
            }
        }
    }

    static func tokenize(_ text: String) throws(Malformed) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "/" && index + 1 < characters.count && characters[index + 1] == "/" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
            } else if character == "/" && index + 1 < characters.count && characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count && !(characters[index] == "*" && characters[index + 1] == "/") {
                    index += 1
                }
                guard index + 1 < characters.count else { throw Malformed(message: "a /* comment is not closed") }
                index += 2
            } else if "{};=".contains(character) {
                tokens.append(.symbol(character))
                index += 1
            } else if character == "\"" {
                var value = ""
                index += 1
                while index < characters.count && characters[index] != "\"" {
                    if characters[index] == "\\" && index + 1 < characters.count { index += 1 }
                    value.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw Malformed(message: "a quoted value is not closed") }
                tokens.append(.quoted(value))
                index += 1
            } else {
                var word = ""
                while index < characters.count, !characters[index].isWhitespace, !"{};=\"".contains(characters[index]) {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}
