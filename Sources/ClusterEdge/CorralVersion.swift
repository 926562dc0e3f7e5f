/// Corral's own release, beside the Mesos API version it speaks.
public enum CorralVersion {
    public static let text = "0.2.0"
}
