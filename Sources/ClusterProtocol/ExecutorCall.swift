extension Mesos {
    /// A call from an executor to its agent (executor.proto's `Call`), POSTed to
    /// `/api/v1/executor`.
    public struct ExecutorCall: Codable, Hashable, Sendable {
        public var executorID: ExecutorID
        public var frameworkID: FrameworkID
        public var type: Kind
        public var subscribe: Subscribe?
        public var update: Update?
        public var message: Message?

        public init(
            executorID: ExecutorID, frameworkID: FrameworkID, type: Kind, subscribe: Subscribe? = nil,
            update: Update? = nil, message: Message? = nil
        ) {
            self.executorID = executorID
            self.frameworkID = frameworkID
            self.type = type
            self.subscribe = subscribe
            self.update = update
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case executorID = "executor_id"
            case frameworkID = "framework_id"
            case type
            case subscribe
            case update
            case message
        }

        /// The proto's `Call.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case subscribe = "SUBSCRIBE"
            case update = "UPDATE"
            case message = "MESSAGE"
            case heartbeat = "HEARTBEAT"
        }

        /// What a resubscribing executor has not heard acknowledged.
        public struct Subscribe: Codable, Hashable, Sendable {
            @Repeated public var unacknowledgedTasks: [TaskInfo]
            @Repeated public var unacknowledgedUpdates: [Update]

            public init(unacknowledgedTasks: [TaskInfo] = [], unacknowledgedUpdates: [Update] = []) {
                self.unacknowledgedTasks = unacknowledgedTasks
                self.unacknowledgedUpdates = unacknowledgedUpdates
            }

            enum CodingKeys: String, CodingKey {
                case unacknowledgedTasks = "unacknowledged_tasks"
                case unacknowledgedUpdates = "unacknowledged_updates"
            }
        }

        /// A status update: the same record as the scheduler's UPDATE event.
        public typealias Update = SchedulerEvent.Update

        public struct Message: Codable, Hashable, Sendable {
            public var data: Bytes

            public init(data: Bytes) {
                self.data = data
            }

            enum CodingKeys: String, CodingKey {
                case data
            }
        }
    }
}

extension Mesos.ExecutorCall {
    public static func subscribe(
        executorID: Mesos.ExecutorID, frameworkID: Mesos.FrameworkID, unacknowledgedTasks: [Mesos.TaskInfo] = [],
        unacknowledgedUpdates: [Update] = []
    ) -> Mesos.ExecutorCall {
        Mesos.ExecutorCall(
            executorID: executorID, frameworkID: frameworkID, type: .subscribe,
            subscribe: Subscribe(unacknowledgedTasks: unacknowledgedTasks, unacknowledgedUpdates: unacknowledgedUpdates)
        )
    }

    public static func update(
        executorID: Mesos.ExecutorID, frameworkID: Mesos.FrameworkID, status: Mesos.TaskStatus
    ) -> Mesos.ExecutorCall {
        Mesos.ExecutorCall(
            executorID: executorID, frameworkID: frameworkID, type: .update, update: Update(status: status))
    }

    public static func message(
        executorID: Mesos.ExecutorID, frameworkID: Mesos.FrameworkID, data: Mesos.Bytes
    ) -> Mesos.ExecutorCall {
        Mesos.ExecutorCall(
            executorID: executorID, frameworkID: frameworkID, type: .message, message: Message(data: data))
    }
}
