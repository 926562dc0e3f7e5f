import ClusterCore
import ClusterProtocol
import Testing

@Suite("resources between the API and the core")
struct ResourceConversionTests {
    private func scalar(_ name: String, _ value: Double, role: String? = nil) -> Mesos.Resource {
        Mesos.Resource(name: name, type: .scalar, scalar: Mesos.Value.Scalar(value: value), role: role)
    }

    private func rejection(_ resource: Mesos.Resource) -> String? {
        do {
            _ = try ClusterCore.Resource(resource)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("scalars, ranges and sets convert, scalars rounded to thousandths")
    func kinds() throws {
        #expect(try ClusterCore.Resource(scalar("cpus", 0.5)) == .scalar("cpus", Scalar(thousandths: 500)))
        #expect(try ClusterCore.Resource(scalar("cpus", 0.0005)) == .scalar("cpus", Scalar(thousandths: 1)))
        #expect(try ClusterCore.Resource(scalar("mem", 0)) == .scalar("mem", .zero))
        let ports = Mesos.Resource(
            name: "ports", type: .ranges,
            ranges: Mesos.Value.Ranges(range: [.init(begin: 31005, end: 31010), .init(begin: 31000, end: 31004)]))
        #expect(try ClusterCore.Resource(ports) == .ranges("ports", [31000...31010]))
        let set = Mesos.Resource(name: "gpus_ids", type: .set, set: Mesos.Value.Set(item: ["b", "a", "b"]))
        #expect(try ClusterCore.Resource(set) == .set("gpus_ids", ["a", "b"]))
    }

    @Test("the role is the innermost reservation's, else the deprecated role, else *")
    func roles() throws {
        #expect(try ClusterCore.Resource(scalar("cpus", 1)).role == "*")
        #expect(try ClusterCore.Resource(scalar("cpus", 1, role: "web")).role == "web")
        var refined = scalar("cpus", 1, role: "ignored")
        refined.reservations = [
            .init(type: .static, role: "eng"), .init(type: .dynamic, role: "eng/web", principal: "p"),
        ]
        #expect(try ClusterCore.Resource(refined).role == "eng/web")
    }

    @Test("bad values are errors that say what is wrong")
    func rejections() {
        #expect(
            rejection(scalar("cpus", -1)) == "resource 'cpus': scalar -1.0 is not a finite number in 0...1000000000000")
        #expect(rejection(scalar("cpus", .nan))?.contains("scalar nan is not a finite number") == true)
        #expect(rejection(scalar("cpus", .infinity))?.contains("scalar inf is not a finite number") == true)
        #expect(rejection(scalar("mem", 2e12))?.contains("is not a finite number in 0...") == true)
        #expect(
            rejection(Mesos.Resource(name: "ports", type: .ranges, ranges: .init(range: [.init(begin: 9, end: 3)])))
                == "resource 'ports': range 9-3 begins after it ends")
        #expect(
            rejection(Mesos.Resource(name: "cpus", type: .scalar)) == "resource 'cpus' of type SCALAR has no scalar")
        #expect(
            rejection(Mesos.Resource(name: "ports", type: .ranges)) == "resource 'ports' of type RANGES has no ranges")
        #expect(rejection(Mesos.Resource(name: "ids", type: .set)) == "resource 'ids' of type SET has no set")
        #expect(
            rejection(Mesos.Resource(name: "cpus", type: .scalar, scalar: .init(value: 1), ranges: .init()))
                == "resource 'cpus' of type SCALAR carries a ranges value")
        #expect(
            rejection(Mesos.Resource(name: "note", type: .text))
                == "resource 'note' is of type TEXT; resources are SCALAR, RANGES or SET")
        #expect(rejection(scalar("", 1)) == "resource without a name")
        #expect(rejection(scalar("cpus", 1, role: "")) == "resource 'cpus' has an empty role")
        #expect(throws: ProtocolError("resource 'cpus': scalar -1.0 is not a finite number in 0...1000000000000")) {
            try ClusterCore.Resources([scalar("mem", 1), scalar("cpus", -1)])
        }
    }

    @Test("a list converts to Resources, repeats merged; Resources convert back for offers")
    func collections() throws {
        let resources = try ClusterCore.Resources([
            scalar("cpus", 1), scalar("cpus", 0.5), scalar("mem", 128, role: "web"),
        ])
        #expect(resources == parsed("cpus:1.5; mem(web):128"))

        let core = parsed("cpus:4; mem(web):512; ports:[31000-31005,32000-32000]; zones:{a,b}")
        let api = [Mesos.Resource](core, allocationRole: "web")
        #expect(try ClusterCore.Resources(api) == core)
        #expect(
            try encode(api)
                == #"[{"allocation_info":{"role":"web"},"name":"cpus","role":"*","scalar":{"value":4},"type":"SCALAR"},"#
                + #"{"allocation_info":{"role":"web"},"name":"mem","reservations":[{"role":"web","type":"STATIC"}],"role":"web","scalar":{"value":512},"type":"SCALAR"},"#
                + #"{"allocation_info":{"role":"web"},"name":"ports","ranges":{"range":[{"begin":31000,"end":31005},{"begin":32000,"end":32000}]},"role":"*","type":"RANGES"},"#
                + #"{"allocation_info":{"role":"web"},"name":"zones","role":"*","set":{"item":["a","b"]},"type":"SET"}]"#
        )
        #expect([Mesos.Resource](parsed("cpus:0.125"))[0].scalar?.value == 0.125)
    }
}

private func parsed(_ text: String) -> Resources {
    do {
        return try Resources(parsing: text)
    } catch {
        fatalError("test resources '\(text)': \(error)")
    }
}
