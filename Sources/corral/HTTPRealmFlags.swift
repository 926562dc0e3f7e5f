import ArgumentParser

/// Mesos' `--authenticate_http_readonly` and `--authenticate_http_readwrite`, as masters and
/// agents take them: which of a daemon's own endpoints need HTTP Basic credentials.
struct HTTPRealmFlags: ParsableArguments {
    @Flag(help: "Read-only endpoints (state, metrics, the sandbox files, the web UI) need credentials.")
    var authenticateHttpReadonly = false

    @Flag(help: "Endpoints that change the cluster (the operator API) need credentials.")
    var authenticateHttpReadwrite = false

    var any: Bool { authenticateHttpReadonly || authenticateHttpReadwrite }
}
