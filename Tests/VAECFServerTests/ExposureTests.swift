import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VAECFServer

/// Public answers carry no server paths or internal error text.
@Suite("Server exposure")
struct ExposureTests {
    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "cannot open /srv/secret/weights.bin" }
    }

    @Test("an unexpected error gets a 500 JSON body without its description (which goes to the log)")
    func unexpectedErrorHidden() async throws {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(metrics: ServerMetrics(), allowedMethods: ["/fail": [.get]]))
        router.get("/fail") { _, _ -> Response in throw InternalFailure() }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/fail", method: .get)
            let detail = try ServerTest.error(response, status: .internalServerError)
            #expect(detail.code == "internal_error")
            #expect(!String(buffer: response.body).contains("/srv/secret"))
        }
    }
}
