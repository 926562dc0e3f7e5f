/// The node's open connections by id, kept in the slots of an array.
///
/// Every request changes its connection several times (queue, counters, back-pressure).
/// Through a dictionary each change moved the whole connection out of the table into a
/// heap-allocated coroutine frame and back: a malloc, two copies and a free, about a tenth
/// of the event loop's time under a write load. Here the id finds a slot and the change
/// happens in the array's storage, in place.
struct ConnectionTable: Sendable {
    private var slots: [ClientConnection?] = []
    private var slotOf: [ConnectionID: Int] = [:]
    private var freeSlots: [Int] = []
    /// Stands in for a missing connection during a change, so that `table[id] = x`
    /// inserts without a connection-sized local in the accessor.
    private var absent: ClientConnection?

    subscript(id: ConnectionID) -> ClientConnection? {
        get { slotOf[id].flatMap { slots[$0] } }
        _modify {
            if let slot = slotOf[id] {
                yield &slots[slot]
                if slots[slot] == nil { release(id, slot: slot) }
            } else {
                yield &absent
                if let connection = absent.take() { insert(connection, for: id) }
            }
        }
    }

    @discardableResult
    mutating func removeValue(forKey id: ConnectionID) -> ClientConnection? {
        guard let slot = slotOf[id] else { return nil }
        let connection = slots[slot].take()
        release(id, slot: slot)
        return connection
    }

    var count: Int { slotOf.count }
    var keys: Dictionary<ConnectionID, Int>.Keys { slotOf.keys }
    var values: [ClientConnection] { slots.compactMap { $0 } }

    private mutating func insert(_ connection: ClientConnection, for id: ConnectionID) {
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count { slots.append(connection) } else { slots[slot] = connection }
        slotOf[id] = slot
    }

    private mutating func release(_ id: ConnectionID, slot: Int) {
        slotOf[id] = nil
        freeSlots.append(slot)
    }
}
