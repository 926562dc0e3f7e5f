import AgentCore
import ClusterProtocol
import Testing

@Suite("agent: the master's stream")
struct MasterLinkTests {
    @Test("every PING is answered with a PONG carrying the agent's id")
    func pong() {
        var harness = AgentHarness()
        harness.toMaster = []
        harness.step(.masterEvent(.ping))
        harness.step(.masterEvent(.ping))
        #expect(harness.toMaster.map(\.type) == [.pong, .pong])
        #expect(harness.toMaster.allSatisfy { $0.agentID == "A" })
    }

    @Test("an agent that hears nothing for five ping intervals drops the stream and registers again")
    func silentMaster() {
        var harness = AgentHarness()
        harness.advance(74_999)
        #expect(harness.reconnects == 0)
        harness.advance(1)
        #expect(harness.reconnects == 1)
    }
}

@Suite("agent: maintenance from the master")
struct AgentMaintenanceTests {
    @Test("DRAIN kills every task within the grace period; they end TASK_KILLED with REASON_AGENT_DRAINING")
    func drain() {
        var harness = AgentHarness()
        var slow = AgentHarness.command("slow", "sleep 60")
        slow.killPolicy = Mesos.KillPolicy(gracePeriod: Mesos.DurationInfo(nanoseconds: 10_000_000_000))
        harness.run(slow)
        harness.run(AgentHarness.command("quick", "sleep 60"))
        _ = harness.ackAll()
        let drain = AgentEvent.Drain(maxGracePeriod: Mesos.DurationInfo(nanoseconds: 2_000_000_000))
        harness.step(.masterEvent(AgentEvent(type: .drain, drain: drain)))
        // The grace is the smaller of the task's own (10 s, or the default 3 s) and the drain's.
        #expect(harness.killed.map(\.1).sorted() == [2_000, 2_000])
        for (container, _) in harness.killed { harness.step(.containerExited(container, ContainerExit(signal: 15))) }
        let updates = harness.takeUpdates()
        #expect(updates.map(\.state) == [.killed, .killed])
        #expect(updates.allSatisfy { $0.reason == .agentDraining })
    }

    @Test("SHUTDOWN (marked gone) kills every task, sends no update for them, and marks the agent gone for its edge")
    func shutdown() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t", "sleep 60"))
        _ = harness.ackAll()
        #expect(!harness.agent.isGone)
        harness.step(.masterEvent(AgentEvent(type: .shutdown)))
        #expect(harness.agent.isGone)
        #expect(harness.killed.count == 1)
        for (container, _) in harness.killed { harness.step(.containerExited(container, ContainerExit(signal: 15))) }
        #expect(harness.takeUpdates().isEmpty)
    }

    @Test("refused for good (403 to REGISTER: removed, gone or pruned): every task killed, and the agent leaves")
    func refusedForGood() {
        var harness = AgentHarness()
        harness.run(AgentHarness.command("t", "sleep 60"))
        _ = harness.ackAll()
        harness.step(.refusedByMaster("The master refuses this agent (removed)"))
        #expect(harness.agent.isGone && harness.agent.isLeaving)
        #expect(harness.killed.count == 1)
        for (container, _) in harness.killed { harness.step(.containerExited(container, ContainerExit(signal: 15))) }
        #expect(harness.takeUpdates().isEmpty)
    }
}
