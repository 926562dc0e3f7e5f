import KeeperProtocol
import Zab

/// ZAB messages on the quorum port: a tag, then the fields in jute. Each travels in a frame
/// with its length and a CRC32C (QuorumFrameDecoder).
enum ZabWire {
    private enum Tag: Int32 {
        case vote = 1
        case followerInfo
        case leaderInfo
        case ackEpoch
        case sync
        case newLeader
        case ackNewLeader
        case upToDate
        case proposal
        case ack
        case commit
        case ping
        case app
    }

    static func encode(_ message: ZabMessage) -> [UInt8] {
        var writer = JuteWriter(capacity: 64)
        switch message {
        case .vote(let vote):
            writer.write(Tag.vote.rawValue)
            writer.write(Int32(vote.leader))
            writer.write(vote.zxid)
            writer.write(vote.epoch)
            writer.write(vote.round)
            writer.write(vote.state.rawValue)
        case .followerInfo(let accepted, let last):
            writer.write(Tag.followerInfo.rawValue)
            writer.write(accepted)
            writer.write(last)
        case .leaderInfo(let epoch):
            writer.write(Tag.leaderInfo.rawValue)
            writer.write(epoch)
        case .ackEpoch(let current, let last):
            writer.write(Tag.ackEpoch.rawValue)
            writer.write(current)
            writer.write(last)
        case .sync(let sync):
            writer.write(Tag.sync.rawValue)
            writer.write(sync.truncateAfter ?? -1)
            writer.write(sync.snapshot)
            writer.write(sync.snapshotZxid)
            writer.write(Int32(sync.entries.count))
            for entry in sync.entries { write(entry, to: &writer) }
        case .newLeader(let epoch, let end):
            writer.write(Tag.newLeader.rawValue)
            writer.write(epoch)
            writer.write(end)
        case .ackNewLeader(let epoch):
            writer.write(Tag.ackNewLeader.rawValue)
            writer.write(epoch)
        case .upToDate:
            writer.write(Tag.upToDate.rawValue)
        case .proposal(let entry):
            writer.write(Tag.proposal.rawValue)
            write(entry, to: &writer)
        case .ack(let zxid):
            writer.write(Tag.ack.rawValue)
            writer.write(zxid)
        case .commit(let zxid):
            writer.write(Tag.commit.rawValue)
            writer.write(zxid)
        case .ping:
            writer.write(Tag.ping.rawValue)
        case .app(let bytes):
            writer.write(Tag.app.rawValue)
            writer.write(bytes)
        }
        return writer.bytes
    }

    private static func write(_ entry: ZabEntry, to writer: inout JuteWriter) {
        writer.write(entry.zxid)
        writer.write(entry.payload)
    }

    private static func readEntry(_ reader: inout JuteReader) throws(JuteError) -> ZabEntry {
        ZabEntry(zxid: try reader.readInt64("zxid"), payload: try reader.readBuffer("payload") ?? [])
    }

    static func decode(_ bytes: [UInt8]) throws(JuteError) -> ZabMessage {
        var reader = JuteReader(bytes)
        let tag = try reader.readInt32("tag")
        switch Tag(rawValue: tag) {
        case .vote:
            let leader = Int(try reader.readInt32("leader"))
            let zxid = try reader.readInt64("zxid")
            let epoch = try reader.readInt64("epoch")
            let round = try reader.readInt64("round")
            let stateValue = try reader.readInt32("state")
            guard let state = PeerState(rawValue: stateValue) else {
                throw .invalidValue(field: "state", value: Int64(stateValue))
            }
            return .vote(Vote(leader: leader, zxid: zxid, epoch: epoch, round: round, state: state))
        case .followerInfo:
            return .followerInfo(
                acceptedEpoch: try reader.readInt64("acceptedEpoch"), lastZxid: try reader.readInt64("lastZxid"))
        case .leaderInfo:
            return .leaderInfo(epoch: try reader.readInt64("epoch"))
        case .ackEpoch:
            return .ackEpoch(
                currentEpoch: try reader.readInt64("currentEpoch"), lastZxid: try reader.readInt64("lastZxid"))
        case .sync:
            let truncate = try reader.readInt64("truncateAfter")
            let snapshot = try reader.readBuffer("snapshot")
            let snapshotZxid = try reader.readInt64("snapshotZxid")
            let count = try reader.readInt32("entries")
            guard count >= 0, Int(count) <= reader.remaining / 12 else {
                throw .badLength(field: "entries", length: count)
            }
            var entries: [ZabEntry] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count { entries.append(try readEntry(&reader)) }
            return .sync(
                .init(
                    truncateAfter: truncate < 0 ? nil : truncate, snapshot: snapshot, snapshotZxid: snapshotZxid,
                    entries: entries))
        case .newLeader:
            return .newLeader(epoch: try reader.readInt64("epoch"), historyEnd: try reader.readInt64("historyEnd"))
        case .ackNewLeader:
            return .ackNewLeader(epoch: try reader.readInt64("epoch"))
        case .upToDate:
            return .upToDate
        case .proposal:
            return .proposal(try readEntry(&reader))
        case .ack:
            return .ack(zxid: try reader.readInt64("zxid"))
        case .commit:
            return .commit(zxid: try reader.readInt64("zxid"))
        case .ping:
            return .ping
        case .app:
            return .app(try reader.readBuffer("app") ?? [])
        case nil:
            throw .invalidValue(field: "tag", value: Int64(tag))
        }
    }
}
