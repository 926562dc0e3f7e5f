import AppsCore
import ClusterProtocol
import Testing

/// What the edge writes as one: the store operations between two calls or probes.
@Suite struct ActionUnitTests {
    @Test("events and log lines do not split a write; calls and probes do, and go alone")
    func units() {
        let actions: [AppsAction] = [
            .store(.removeDeployment("d1")), .publish(.appTerminated(AppID("/a"))), .log("cancelled"),
            .store(.putDeployment(Deployment(id: "d2", version: 1, steps: [], original: [:], target: [:]))),
            .call(.init(type: .revive)), .store(.removeTask("t")), .log("done"),
        ]
        let units = AppsAction.units(actions)
        #expect(units.map(\.stores.count) == [2, 0, 1])
        #expect(units[0].after == [.publish(.appTerminated(AppID("/a"))), .log("cancelled")])
        #expect(units[1].after == [.call(.init(type: .revive))])
        #expect(units[2].after == [.log("done")])
    }
}
