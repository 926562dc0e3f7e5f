import ClusterProtocol
import Testing

@testable import AgentCore
@testable import AgentServer

@Suite("executors' tokens")
struct ExecutorTokensTests {
    let tokens = ExecutorTokens(secret: Array("a key of the agent's".utf8))
    let key = ExecutorKey(framework: Mesos.FrameworkID(value: "F"), executor: Mesos.ExecutorID(value: "E"))

    @Test("a token names its framework, executor and container, and only this agent's key verifies it")
    func roundTrip() throws {
        let token = tokens.token(for: key, container: Mesos.ContainerID(value: "C"))
        #expect(token.split(separator: ".").count == 3)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        let claims = try tokens.claims(authorization: "Bearer " + token).get()
        #expect(claims == ExecutorTokens.Claims(fid: "F", eid: "E", cid: "C"))
        #expect(
            ExecutorTokens(secret: Array("another key".utf8)).claims(authorization: "Bearer " + token)
                == .failure(.badSignature))
    }

    @Test("a missing, malformed or altered token is refused")
    func refusals() {
        let token = tokens.token(for: key, container: Mesos.ContainerID(value: "C"))
        let parts = token.split(separator: ".").map(String.init)
        let otherClaims = tokens.token(
            for: ExecutorKey(framework: Mesos.FrameworkID(value: "F"), executor: Mesos.ExecutorID(value: "X")),
            container: Mesos.ContainerID(value: "C")
        ).split(separator: ".").map(String.init)
        #expect(tokens.claims(authorization: nil) == .failure(.missing))
        #expect(tokens.claims(authorization: "Basic abc") == .failure(.missing))
        #expect(tokens.claims(authorization: "Bearer not-a-jwt") == .failure(.malformed))
        // Another executor's claims under this token's signature.
        #expect(
            tokens.claims(authorization: "Bearer \(parts[0]).\(otherClaims[1]).\(parts[2])") == .failure(.badSignature))
        #expect(tokens.claims(authorization: "Bearer \(parts[0]).\(parts[1]).") == .failure(.badSignature))
    }

    @Test("a token lives as long as its container: once the executor runs in another, the old token is refused")
    func staleContainer() {
        let claims = ExecutorTokens.Claims(fid: "F", eid: "E", cid: "C1")
        #expect(ExecutorEndpoint.staleContainer(claims, current: "C1") == nil)
        #expect(ExecutorEndpoint.staleContainer(claims, current: nil) == nil)
        let refused = ExecutorEndpoint.staleContainer(claims, current: "C2")
        #expect(refused?.status == .forbidden)
    }
}
