import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// Creates `path` and its parents (mkdir -p), or says why it cannot.
func makeDirectory(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        prefix += "/" + component
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw ValidationError("cannot create directory \(prefix): \(String(cString: strerror(errno)))")
        }
    }
}
