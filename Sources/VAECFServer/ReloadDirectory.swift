import Foundation

/// The folder that `POST /admin/reload {"path": ...}` may load models from, so that a request cannot probe
/// the file system: a path outside it (after `..` and symbolic links are resolved, the folder's own links
/// too) is refused the same way whether or not the file exists.
struct ReloadDirectory: Sendable {
    /// The folder as given, standardized (no `.` or `..`).
    let lexicalPath: String
    /// The folder with symbolic links resolved.
    let canonicalPath: String

    init(_ url: URL) {
        lexicalPath = url.standardizedFileURL.path
        canonicalPath = Self.canonical(lexicalPath)
    }

    /// The file `path` names (a relative path is taken inside the folder), symbolic links resolved; `nil`
    /// when it lies outside the folder, or is the folder itself.
    func resolve(_ path: String) -> String? {
        let candidate =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path).standardizedFileURL.path
            : URL(fileURLWithPath: lexicalPath).appendingPathComponent(path).standardizedFileURL.path
        let resolved = Self.canonical(candidate)
        guard Self.isInside(resolved, folder: canonicalPath) else { return nil }
        return resolved
    }

    /// The path relative to the folder (what responses show).
    func relativeName(of resolvedPath: String) -> String {
        Self.isInside(resolvedPath, folder: canonicalPath)
            ? String(resolvedPath.dropFirst(canonicalPath.count).drop { $0 == "/" })
            : URL(fileURLWithPath: resolvedPath).lastPathComponent
    }

    private static func isInside(_ path: String, folder: String) -> Bool {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(prefix) && path.count > prefix.count
    }

    /// `path` with symbolic links resolved: `realpath` of its deepest existing ancestor, then the rest, so a
    /// missing file under a link that leaves the folder resolves outside it too.
    static func canonical(_ path: String) -> String {
        var existing = path
        var rest = [String]()
        while !existing.isEmpty && existing != "/" {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                return rest.reversed().reduce(String(cString: real)) { ($0 == "/" ? "" : $0) + "/" + $1 }
            }
            let url = URL(fileURLWithPath: existing)
            rest.append(url.lastPathComponent)
            existing = url.deletingLastPathComponent().path
        }
        return rest.reversed().reduce("") { $0 + "/" + $1 }
    }
}
