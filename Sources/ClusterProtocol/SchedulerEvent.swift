extension Mesos {
    /// An event from the master to a scheduler (scheduler.proto's `Event`), streamed as RecordIO
    /// on the SUBSCRIBE connection. The payload sits under the lower-cased type:
    /// `{"type":"OFFERS","offers":{"offers":[…]}}`. Left out: the inverse-offer and
    /// operation-status events' payloads.
    public struct SchedulerEvent: Codable, Hashable, Sendable {
        public var type: Kind
        public var subscribed: Subscribed?
        public var offers: Offers?
        public var rescind: Rescind?
        public var update: Update?
        public var message: Message?
        public var failure: Failure?
        public var error: Error?

        public init(
            type: Kind, subscribed: Subscribed? = nil, offers: Offers? = nil, rescind: Rescind? = nil,
            update: Update? = nil, message: Message? = nil, failure: Failure? = nil, error: Error? = nil
        ) {
            self.type = type
            self.subscribed = subscribed
            self.offers = offers
            self.rescind = rescind
            self.update = update
            self.message = message
            self.failure = failure
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case type
            case subscribed
            case offers
            case rescind
            case update
            case message
            case failure
            case error
        }

        /// The proto's `Event.Type`.
        public enum Kind: String, ProtoEnum {
            case unknown = "UNKNOWN"
            case subscribed = "SUBSCRIBED"
            case offers = "OFFERS"
            case inverseOffers = "INVERSE_OFFERS"
            case rescind = "RESCIND"
            case rescindInverseOffer = "RESCIND_INVERSE_OFFER"
            case update = "UPDATE"
            case updateOperationStatus = "UPDATE_OPERATION_STATUS"
            case message = "MESSAGE"
            case failure = "FAILURE"
            case error = "ERROR"
            case heartbeat = "HEARTBEAT"
        }

        public struct Subscribed: Codable, Hashable, Sendable {
            public var frameworkID: FrameworkID
            public var heartbeatIntervalSeconds: Double?
            public var masterInfo: MasterInfo?

            public init(
                frameworkID: FrameworkID, heartbeatIntervalSeconds: Double? = nil, masterInfo: MasterInfo? = nil
            ) {
                self.frameworkID = frameworkID
                self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
                self.masterInfo = masterInfo
            }

            enum CodingKeys: String, CodingKey {
                case frameworkID = "framework_id"
                case heartbeatIntervalSeconds = "heartbeat_interval_seconds"
                case masterInfo = "master_info"
            }
        }

        public struct Offers: Codable, Hashable, Sendable {
            @Repeated public var offers: [Offer]

            public init(offers: [Offer] = []) {
                self.offers = offers
            }

            enum CodingKeys: String, CodingKey {
                case offers
            }
        }

        public struct Rescind: Codable, Hashable, Sendable {
            public var offerID: OfferID

            public init(offerID: OfferID) {
                self.offerID = offerID
            }

            enum CodingKeys: String, CodingKey {
                case offerID = "offer_id"
            }
        }

        public struct Update: Codable, Hashable, Sendable {
            public var status: TaskStatus

            public init(status: TaskStatus) {
                self.status = status
            }

            enum CodingKeys: String, CodingKey {
                case status
            }
        }

        /// A message from an executor: the same record as the scheduler's MESSAGE call.
        public typealias Message = SchedulerCall.Message

        /// An agent was lost (no executor) or an executor ended (with its exit status).
        public struct Failure: Codable, Hashable, Sendable {
            public var agentID: AgentID?
            public var executorID: ExecutorID?
            public var status: Int32?

            public init(agentID: AgentID? = nil, executorID: ExecutorID? = nil, status: Int32? = nil) {
                self.agentID = agentID
                self.executorID = executorID
                self.status = status
            }

            enum CodingKeys: String, CodingKey {
                case agentID = "agent_id"
                case executorID = "executor_id"
                case status
            }
        }

        /// The master dropped the framework; the stream ends after it.
        public struct Error: Codable, Hashable, Sendable {
            public var message: String

            public init(message: String) {
                self.message = message
            }

            enum CodingKeys: String, CodingKey {
                case message
            }
        }
    }
}

extension Mesos.SchedulerEvent {
    public static let heartbeat = Mesos.SchedulerEvent(type: .heartbeat)

    public static func subscribed(
        frameworkID: Mesos.FrameworkID, heartbeatIntervalSeconds: Double? = nil, masterInfo: Mesos.MasterInfo? = nil
    ) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(
            type: .subscribed,
            subscribed: Subscribed(
                frameworkID: frameworkID, heartbeatIntervalSeconds: heartbeatIntervalSeconds, masterInfo: masterInfo))
    }

    public static func offers(_ offers: [Mesos.Offer]) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .offers, offers: Offers(offers: offers))
    }

    public static func rescind(_ offerID: Mesos.OfferID) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .rescind, rescind: Rescind(offerID: offerID))
    }

    public static func update(_ status: Mesos.TaskStatus) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .update, update: Update(status: status))
    }

    public static func message(
        agentID: Mesos.AgentID, executorID: Mesos.ExecutorID, data: Mesos.Bytes
    ) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .message, message: Message(agentID: agentID, executorID: executorID, data: data))
    }

    public static func failure(
        agentID: Mesos.AgentID? = nil, executorID: Mesos.ExecutorID? = nil, status: Int32? = nil
    ) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .failure, failure: Failure(agentID: agentID, executorID: executorID, status: status))
    }

    public static func error(_ message: String) -> Mesos.SchedulerEvent {
        Mesos.SchedulerEvent(type: .error, error: Error(message: message))
    }
}
