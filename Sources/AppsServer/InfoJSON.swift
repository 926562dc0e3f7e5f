import AppsCore
import ClusterEdge

/// `GET /v2/info`: who Apps is and how it is configured, in Marathon's shape (the marathon
/// client requires `marathon_config`, `zookeeper_config` and `http_config`).
enum InfoJSON {
    static func info(_ settings: AppsSettings, leader: String?, frameworkID: String?, elected: Bool) -> JSONValue {
        let config = AppsConfig(idPrefix: "")
        return .object([
            ("name", "corral-apps"), ("version", .string(CorralVersion.text)), ("buildref", ""),
            ("elected", .bool(elected)), ("leader", leader.map { .string($0) } ?? .null),
            ("frameworkId", frameworkID.map { .string($0) } ?? .null),
            (
                "marathon_config",
                .object([
                    ("checkpoint", true), ("executor", "//cmd"),
                    ("failover_timeout", .int(Int64(settings.failoverTimeout))),
                    ("framework_name", .string(settings.frameworkName)), ("ha", true),
                    ("hostname", .string(settings.hostname)),
                    ("local_port_min", .int(Int64(config.servicePorts.lowerBound))),
                    ("local_port_max", .int(Int64(config.servicePorts.upperBound))),
                    ("master", .string(settings.master.description)),
                    ("mesos_role", .string(settings.role)), ("mesos_user", .string(settings.user)),
                    ("reconciliation_interval", .int(config.reconcileInterval)),
                    ("task_launch_timeout", .int(config.taskLaunchTimeout)),
                    ("decline_offer_duration", .int(Int64(config.declineRefuseSeconds * 1000))),
                    ("webui_url", .string(settings.url)),
                ])
            ),
            (
                "zookeeper_config",
                .object([
                    ("zk", .string(settings.zk.description)), ("zk_max_versions", .int(Int64(AppsStore.versionsKept))),
                    ("zk_session_timeout", .int(settings.zkSessionTimeout)),
                ])
            ),
            ("event_subscriber", .null),
            ("http_config", .object([("http_port", .int(Int64(settings.port)))])),
        ])
    }
}
