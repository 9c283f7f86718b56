import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

/// `POST /admin/reload {"path": ...}` only reads inside the reload directory, refuses everything else the same
/// way, keeps the old model on any failure, and answers without the server's folders.
@Suite("Server reload directory")
struct ReloadDirectoryTests {
    /// A folder with `served.model` (in service), `next.model` (another model) and `corrupt.model`, and a
    /// sibling folder with `outside.model`; removed afterwards.
    static func withFolders(_ body: (_ folder: URL, _ outside: URL) async throws -> Void) async throws {
        let root = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("models")
        let outside = root.appendingPathComponent("elsewhere")
        for url in [folder, outside] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        try ServerTest.writeModelFile(itemCount: 50, seed: 1, to: folder.appendingPathComponent("served.model"))
        try ServerTest.writeModelFile(itemCount: 30, seed: 2, to: folder.appendingPathComponent("next.model"))
        try ServerTest.writeModelFile(itemCount: 30, seed: 3, to: outside.appendingPathComponent("outside.model"))
        var corrupt = try Data(contentsOf: folder.appendingPathComponent("next.model"))
        corrupt.replaceSubrange(corrupt.count / 2..<corrupt.count / 2 + 64, with: Data(repeating: 0xA5, count: 64))
        try corrupt.write(to: folder.appendingPathComponent("corrupt.model"))
        try await body(folder, outside)
    }

    static func reload(_ admin: some TestClientProtocol, _ path: String) async throws -> TestResponse {
        let body = try JSONEncoder().encode(ReloadRequest(path: path))
        return try await admin.execute(uri: "/admin/reload", method: .post, body: ByteBuffer(bytes: body))
    }

    @Test("paths outside the directory get one identical 403, whether or not the file exists or is a model")
    func outsideRefusedUniformly() async throws {
        try await Self.withFolders { folder, outside in
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("link"), withDestinationURL: outside)
            let served = folder.appendingPathComponent("served.model").path
            try await ServerTest.withService(
                try ServerTest.realLoader(served), path: served, loader: ServerTest.realLoader
            ) { service in
                try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                    let probes = [
                        outside.appendingPathComponent("outside.model").path,
                        outside.appendingPathComponent("absent.model").path,
                        "/etc/passwd", "/nonexistent-\(UUID().uuidString)/x.model", "/", "../elsewhere/outside.model",
                        "../elsewhere/absent.model", "link/outside.model", "link/absent.model", folder.path, ".",
                    ]
                    var bodies = Set<String>()
                    for probe in probes {
                        let response = try await Self.reload(admin, probe)
                        #expect(
                            try ServerTest.error(response, status: .forbidden).code == "reload_forbidden", "\(probe)")
                        bodies.insert(String(buffer: response.body))
                    }
                    #expect(bodies.count == 1, "\(bodies)")
                    #expect(service.backend.itemCount == 50)
                }
            }
        }
    }

    @Test("inside the directory: a missing or corrupt file keeps the old model, answered without folder names")
    func insideFailuresKeepModel() async throws {
        try await Self.withFolders { folder, _ in
            let served = folder.appendingPathComponent("served.model").path
            try await ServerTest.withService(
                try ServerTest.realLoader(served), path: served, loader: ServerTest.realLoader
            ) { service in
                let api = Application(router: service.makeRouter())
                let query = ServerTest.body(#"{"items": ["item1"], "k": 5}"#)
                let before = try await api.test(.router) {
                    try await $0.execute(uri: "/v1/recommend", method: .post, body: query)
                }
                try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                    let cases: [(path: String, error: APIError)] = [
                        ("corrupt.model", .reloadFailed(file: "corrupt.model", reason: .notAModelFile)),
                        ("absent.model", .reloadFailed(file: "absent.model", reason: .noSuchFile)),
                        (
                            folder.appendingPathComponent("corrupt.model").path,
                            .reloadFailed(file: "corrupt.model", reason: .notAModelFile)
                        ),
                    ]
                    for (path, error) in cases {
                        let response = try await Self.reload(admin, path)
                        let detail = try ServerTest.error(response, status: .unprocessableContent)
                        #expect(detail == error.detail, "\(path)")
                        #expect(!String(buffer: response.body).contains(folder.path), "\(detail.message)")
                    }
                }
                let after = try await api.test(.router) {
                    try await $0.execute(uri: "/v1/recommend", method: .post, body: query)
                }
                #expect(after.status == .ok)
                #expect(String(buffer: after.body) == String(buffer: before.body))
                #expect(service.backend.itemCount == 50)
            }
        }
    }

    @Test("a model inside the directory loads by relative or absolute path; answers show its file name only")
    func insideLoads() async throws {
        try await Self.withFolders { folder, _ in
            let served = folder.appendingPathComponent("served.model").path
            try await ServerTest.withService(
                try ServerTest.realLoader(served), path: served, loader: ServerTest.realLoader
            ) { service in
                try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                    let relative = try await Self.reload(admin, "next.model")
                    #expect(relative.status == .ok, "\(String(buffer: relative.body))")
                    #expect(try ServerTest.decode(ReloadResponse.self, relative).model.path == "next.model")
                    #expect(!String(buffer: relative.body).contains(folder.path))
                    #expect(service.backend.itemCount == 30)
                    let absolute = try await Self.reload(admin, served)
                    #expect(try ServerTest.decode(ReloadResponse.self, absolute).model.itemCount == 50)
                }
                try await Application(router: service.makeRouter()).test(.router) { client in
                    let model = try await client.execute(uri: "/v1/model", method: .get)
                    #expect(try ServerTest.decode(ModelDescription.self, model).path == "served.model")
                    #expect(!String(buffer: model.body).contains(folder.path))
                }
            }
        }
    }

    @Test("a reload directory given through a symbolic link accepts its files by either name, and nothing else")
    func linkedDirectory() async throws {
        try await Self.withFolders { folder, _ in
            let alias = folder.deletingLastPathComponent().appendingPathComponent("alias")
            try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: folder)
            let served = folder.appendingPathComponent("served.model").path
            try await ServerTest.withService(
                try ServerTest.realLoader(served), path: served, loader: ServerTest.realLoader, reloadDirectory: alias
            ) { service in
                try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                    for path in [
                        "next.model", alias.appendingPathComponent("next.model").path,
                        folder.appendingPathComponent("next.model").path,
                    ] {
                        let response = try await Self.reload(admin, path)
                        #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                    }
                    let escape = try await Self.reload(admin, "../elsewhere/outside.model")
                    #expect(try ServerTest.error(escape, status: .forbidden).code == "reload_forbidden")
                }
            }
        }
    }

    @Test("an explicit reload directory replaces the model's folder")
    func explicitDirectory() async throws {
        try await Self.withFolders { folder, outside in
            let served = folder.appendingPathComponent("served.model").path
            try await ServerTest.withService(
                try ServerTest.realLoader(served), path: served, loader: ServerTest.realLoader, reloadDirectory: outside
            ) { service in
                try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                    #expect(try await Self.reload(admin, "outside.model").status == .ok)
                    let refused = try await Self.reload(admin, served)
                    #expect(try ServerTest.error(refused, status: .forbidden).code == "reload_forbidden")
                    // Without a path the file in service is read again, wherever it is.
                    let again = try await admin.execute(uri: "/admin/reload", method: .post)
                    #expect(try ServerTest.decode(ReloadResponse.self, again).model.path == "outside.model")
                }
            }
        }
    }
}
