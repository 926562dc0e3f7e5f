extension Mesos {
    /// A command to run, with files to fetch first. With `shell` (the default) `value` runs
    /// under `/bin/sh -c`; without it `value` is the executable and `arguments` its argv.
    public struct CommandInfo: Codable, Hashable, Sendable {
        @Repeated public var uris: [URI]
        public var environment: Environment?
        public var shell: Bool?
        public var value: String?
        @Repeated public var arguments: [String]
        public var user: String?

        public init(
            uris: [URI] = [], environment: Environment? = nil, shell: Bool? = nil, value: String? = nil,
            arguments: [String] = [], user: String? = nil
        ) {
            self.uris = uris
            self.environment = environment
            self.shell = shell
            self.value = value
            self.arguments = arguments
            self.user = user
        }

        enum CodingKeys: String, CodingKey {
            case uris
            case environment
            case shell
            case value
            case arguments
            case user
        }

        /// A file the fetcher puts into the sandbox before the command runs.
        public struct URI: Codable, Hashable, Sendable {
            public var value: String
            public var executable: Bool?
            /// Default true.
            public var extract: Bool?
            public var cache: Bool?
            public var outputFile: String?

            public init(
                value: String, executable: Bool? = nil, extract: Bool? = nil, cache: Bool? = nil,
                outputFile: String? = nil
            ) {
                self.value = value
                self.executable = executable
                self.extract = extract
                self.cache = cache
                self.outputFile = outputFile
            }

            enum CodingKeys: String, CodingKey {
                case value
                case executable
                case extract
                case cache
                case outputFile = "output_file"
            }
        }

        /// `shell`, or the proto default: true.
        public var isShell: Bool { shell ?? true }
    }

    /// Environment variables for a command.
    public struct Environment: Codable, Hashable, Sendable {
        @Repeated public var variables: [Variable]

        public init(variables: [Variable] = []) {
            self.variables = variables
        }

        enum CodingKeys: String, CodingKey {
            case variables
        }

        /// One variable. Left out: `secret`.
        public struct Variable: Codable, Hashable, Sendable {
            public var name: String
            /// Default VALUE.
            public var type: Kind?
            public var value: String?

            public init(name: String, type: Kind? = nil, value: String? = nil) {
                self.name = name
                self.type = type
                self.value = value
            }

            enum CodingKeys: String, CodingKey {
                case name
                case type
                case value
            }

            /// The proto's `Environment.Variable.Type`.
            public enum Kind: String, ProtoEnum {
                case unknown = "UNKNOWN"
                case value = "VALUE"
                case secret = "SECRET"
            }
        }
    }
}

extension Mesos.CommandInfo {
    /// The user a process of this command runs as, one rule for the master's `run_tasks`
    /// and the agent's `--switch_user`: the command's own, else the executor's that runs it
    /// (a task of a group), else the framework's.
    public func runsAs(executor: Mesos.CommandInfo?, frameworkUser: String) -> String {
        user ?? executor?.user ?? frameworkUser
    }
}
