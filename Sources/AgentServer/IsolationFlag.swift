extension ContainerIsolationMode {
    /// The `--isolation` flag's values: auto, cgroups-v1, cgroups-v2, none.
    public init?(flag: String) {
        switch flag {
        case "auto": self = .automatic
        case "cgroups-v1": self = .cgroupsV1
        case "cgroups-v2": self = .cgroupsV2
        case "none": self = .none
        default: return nil
        }
    }
}
