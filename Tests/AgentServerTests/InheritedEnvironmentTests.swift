import AgentServer
import Testing

@Suite("what executors inherit of the agent's environment")
struct InheritedEnvironmentTests {
    @Test("the LIBPROCESS_SSL_* variables but the agent's certificate and key; nothing else")
    func filter() {
        let inherited = AgentOptions.inheritedEnvironment(from: [
            "LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CA_FILE": "/ca.pem",
            "LIBPROCESS_SSL_CERT_FILE": "/agent.pem", "LIBPROCESS_SSL_KEY_FILE": "/agent-key.pem",
            "HOME": "/root", "AWS_SECRET_ACCESS_KEY": "x", "SSL_CERT_FILE": "/etc/ssl/cert.pem",
        ])
        #expect(inherited == ["LIBPROCESS_SSL_ENABLED": "true", "LIBPROCESS_SSL_CA_FILE": "/ca.pem"])
    }
}
