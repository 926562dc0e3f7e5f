import ClusterProtocol

/// What offers did for one app waiting to launch, for `/v2/queue` (Marathon's
/// processedOffersSummary and lastUnusedOffers).
public struct OfferStats: Sendable, Equatable {
    public var processed = 0
    public var unused = 0
    public var lastUnusedAt: Int64?
    public var lastUsedAt: Int64?
    /// How many processed offers each reason turned down.
    public var declinedBy: [UnusedReason: Int] = [:]
    /// The latest unused offers, newest last.
    public var lastUnused: [UnusedOffer] = []

    public init() {}
}

/// One offer an app could not use, and why.
public struct UnusedOffer: Sendable, Equatable {
    public var offer: Mesos.Offer
    public var timestamp: Int64
    public var reasons: [UnusedReason]
}

/// Why an offer did not fit an app: Marathon's `NoOfferMatchReason` names.
public enum UnusedReason: String, Sendable, CaseIterable, Comparable {
    case unfulfilledRole = "UnfulfilledRole"
    case unfulfilledConstraint = "UnfulfilledConstraint"
    case insufficientCpus = "InsufficientCpus"
    case insufficientMemory = "InsufficientMemory"
    case insufficientDisk = "InsufficientDisk"
    case insufficientGpus = "InsufficientGpus"
    case insufficientPorts = "InsufficientPorts"
    case declinedScarceResources = "DeclinedScarceResources"

    public static func < (lhs: UnusedReason, rhs: UnusedReason) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
