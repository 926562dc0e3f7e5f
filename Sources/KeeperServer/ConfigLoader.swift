import FoundationEssentials

extension ConfigParser {
    /// Reads and parses a config file from disk.
    public static func load(path: String) throws(ConfigError) -> Parsed {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 0, key: "file", message: "cannot read it (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, key: "file", message: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }
}
