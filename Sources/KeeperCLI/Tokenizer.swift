/// Splits a shell line into words the way a POSIX shell would for our purposes: blanks
/// separate words, single quotes keep everything literal, double quotes keep blanks and
/// allow `\"` and `\\`, and a backslash outside quotes escapes the next character.
public enum Tokenizer {
    public struct UnterminatedQuote: Error, Equatable, CustomStringConvertible {
        public var description: String { "unterminated quote" }
    }

    public static func words(_ line: String) throws(UnterminatedQuote) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for c in line {
            if escaping {
                current.append(c)
                escaping = false
                continue
            }
            switch (quote, c) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(c)
            case ("\"", "\\"), (nil, "\\"):
                escaping = true
                inWord = true
            case ("\"", _):
                current.append(c)
            case (nil, "'"), (nil, "\""):
                quote = c
                inWord = true
            case (nil, " "), (nil, "\t"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(c)
                inWord = true
            }
        }
        guard quote == nil, !escaping else { throw UnterminatedQuote() }
        if inWord { words.append(current) }
        return words
    }
}
