import ClusterCore
import ClusterProtocol
import MasterCore
import Testing

/// An agent that unregisters is removed as Mesos removes one: its tasks are lost, its
/// offers rescinded, frameworks and operators told, and its id never registers again.
@Suite("Agent removal")
struct AgentRemovalTests {
    @Test("UNREGISTER: running tasks become TASK_LOST (REASON_AGENT_REMOVED), a finished one stays finished")
    func tasksLost() {
        var harness = MasterHarness()
        let framework = harness.subscribe("f")
        let agent = harness.register("a", "cpus:4;mem:1024")
        let other = harness.register("b", "cpus:4;mem:1024")
        harness.advance(0)
        let allOffers = harness.takeOffers("f")
        let offers = allOffers.filter { $0.agentID == agent }
        let decline = Mesos.SchedulerCall(
            type: .decline,
            decline: .init(
                offerIDs: allOffers.filter { $0.agentID == other }.map(\.id), filters: .init(refuseSeconds: 0)))
        harness.call("f", framework, decline)
        harness.call(
            "f", framework,
            MasterHarness.accept(
                offers,
                [
                    MasterHarness.commandTask("t1", on: agent, "cpus:1;mem:128"),
                    MasterHarness.commandTask("t2", on: agent, "cpus:1;mem:128"),
                ]))
        harness.update("a", agent, framework: framework, task: "t1", .running, uuid: 1)
        harness.update("a", agent, framework: framework, task: "t2", .finished, uuid: 2)
        _ = harness.takeUpdates("f")
        harness.published = []

        let unregister = AgentCall(type: .unregister, agentID: agent)
        #expect(harness.step(.agentCalls([unregister], streamID: "a")) == .accepted)

        let updates = harness.takeUpdates("f")
        #expect(updates.map(\.taskID.value) == ["t1"])
        #expect(updates.first?.state == .lost)
        #expect(updates.first?.reason == .agentRemoved)
        #expect(updates.first?.source == .master)
        #expect(updates.first?.uuid == nil)
        #expect(
            harness.framework[StreamID("f")]?.contains { $0.type == .failure && $0.failure?.agentID == agent } == true)
        #expect(harness.published.map(\.type) == [.taskUpdated, .agentRemoved])
        #expect(harness.closed.contains(StreamID("a")))
        #expect(harness.master.agents[agent] == nil)
        #expect(harness.master.agents[other] != nil)
        #expect(harness.master.frameworks[framework]?.tasks.isEmpty == true)
        let completed = harness.master.frameworks[framework]!.completedTasks.map { ($0.taskID.value, $0.state) }
        #expect(completed.sorted { $0.0 < $1.0 }.map(\.1) == [.lost, .finished])
        #expect(harness.master.removedAgents.contains(agent))

        // Its calls are refused now, and its old id does not register again.
        #expect(
            harness.step(.agentCalls([unregister], streamID: "a"))
                == .rejected(status: 403, message: "Agent \(agent) is not registered"))
        var info = Mesos.AgentInfo(
            hostname: "a.example", resources: [Mesos.Resource](try! Resources(parsing: "cpus:4")))
        info.id = agent
        guard case .rejected(403, _) = harness.step(.agentRegister(.init(agentInfo: info), stream: StreamID("a2")))
        else {
            Issue.record("a removed agent registered again under its id")
            return
        }
        // The other agent is all that is offered.
        harness.advance(1_000)
        #expect(Set(harness.takeOffers("f").map(\.agentID)) == [other])
    }

    @Test("the offers of a removed agent are rescinded")
    func offersRescinded() {
        var harness = MasterHarness()
        _ = harness.subscribe("f")
        let agent = harness.register("a", "cpus:4;mem:1024")
        harness.advance(0)
        let offer = harness.takeOffers("f").first { $0.agentID == agent }
        #expect(offer != nil)
        harness.step(.agentCalls([AgentCall(type: .unregister, agentID: agent)], streamID: "a"))
        let rescinded = harness.framework[StreamID("f")]?.compactMap(\.rescind).map(\.offerID)
        #expect(rescinded == offer.map { [$0.id] })
    }

    @Test("the removed set keeps the newest ids up to its bound")
    func recentSet() {
        var set = RecentSet<Int>()
        for n in 0..<10 { set.insert(n, keeping: 4) }
        set.insert(9, keeping: 4)
        #expect(set.count == 4)
        #expect((0..<10).filter(set.contains) == [6, 7, 8, 9])
    }
}
