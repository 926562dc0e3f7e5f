/// A refusal filter from a DECLINE (or the unused part of an ACCEPT): until `expiresAt`, the
/// framework's role is not offered on that agent anything the declined resources contain
/// (Mesos' `RefusedOfferFilter`). Once more is available than was declined, the filter
/// lets the offer through: the framework may want the bigger offer.
public struct OfferFilter: Hashable, Sendable {
    public let resources: Resources
    /// The caller's milliseconds at which the filter stops applying.
    public let expiresAt: Int64

    public func filters(_ offered: Resources, now: Int64) -> Bool {
        now < expiresAt && resources.contains(offered)
    }
}
