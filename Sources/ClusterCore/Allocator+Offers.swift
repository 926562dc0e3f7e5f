/// What happens to an offer: the framework accepts part or all of it, declines it, or the
/// master rescinds it; resources in use come back when their tasks end.
extension Allocator {
    /// ACCEPT: `use` (contained in the offer) stays allocated to the framework, in use
    /// until `recover`ed; the rest of the offer is available again, behind a filter of
    /// `refuse` milliseconds (default 5 s; 0 for none), as Mesos applies ACCEPT's filters
    /// to what the framework left.
    public mutating func accept(
        _ id: OfferID, use: Resources, refuse: Int64? = nil, now: Int64
    ) throws(AllocatorError) {
        guard let offer = offers[id] else { throw .unknownOffer(id) }
        let unused: Resources
        do {
            unused = try offer.resources.subtracting(use)
        } catch {
            throw .notInOffer(id, error)
        }
        offers[id] = nil
        used[offer.key, default: Resources()].add(use)
        if used[offer.key]!.isEmpty { used[offer.key] = nil }
        unallocate(unused, from: offer.key)
        addFilter(unused, for: offer.key, refuse: refuse, now: now)
    }

    /// DECLINE: the offer's resources are available again, and not offered back to the
    /// framework's role on that agent for `refuse` milliseconds (default 5 s; 0 for none).
    public mutating func decline(_ id: OfferID, refuse: Int64? = nil, now: Int64) throws(AllocatorError) {
        guard let offer = offers[id] else { throw .unknownOffer(id) }
        withdraw(offer)
        addFilter(offer.resources, for: offer.key, refuse: refuse, now: now)
    }

    /// The master takes an offer back (the framework timed out on it, or needs it
    /// elsewhere): its resources are available again, with no filter.
    public mutating func rescind(_ id: OfferID) throws(AllocatorError) {
        guard let offer = offers[id] else { throw .unknownOffer(id) }
        withdraw(offer)
    }

    /// Resources in use by `key` come back (their task ended); they must be in use there.
    public mutating func recover(_ resources: Resources, from key: AllocationKey) throws(AllocatorError) {
        let inUse = used[key] ?? Resources()
        do {
            let rest = try inUse.subtracting(resources)
            used[key] = rest.isEmpty ? nil : rest
        } catch {
            throw .notInUse(key, error)
        }
        unallocate(resources, from: key)
    }

    private mutating func addFilter(_ resources: Resources, for key: AllocationKey, refuse: Int64?, now: Int64) {
        let duration = config.refuseDuration(refuse)
        guard duration > 0, !resources.isEmpty else { return }
        filters[key, default: []].append(OfferFilter(resources: resources, expiresAt: now + duration))
    }
}
