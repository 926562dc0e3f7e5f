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
        var parsed = try parse(text, file: path)
        if let jaas = parsed.config.jaasLoginConfig {
            parsed.config.saslUsers = try saslUsers(jaas, section: parsed.config.saslServerSection)
        }
        return parsed
    }

    /// The DIGEST-MD5 users of the JAAS file's section.
    static func saslUsers(_ path: String, section: String) throws(ConfigError) -> [String: String] {
        let key = "java.security.auth.login.config"
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: path, line: 0, key: key, message: "cannot read the JAAS file (does it exist?)")
        }
        do {
            return try JAASConfig.digestUsers(text, section: section)
        } catch {
            throw ConfigError(file: path, line: 0, key: key, message: error.message)
        }
    }
}
