import Foundation
import Hummingbird

extension APIError: HTTPResponseError {
    /// The JSON body's shape.
    package struct Body: Codable, Sendable, Equatable {
        package struct Detail: Codable, Sendable, Equatable {
            package var status: Int
            package var code: String
            package var message: String

            package init(status: Int, code: String, message: String) {
                self.status = status
                self.code = code
                self.message = message
            }
        }
        package var error: Detail
    }

    /// The body's `error` object: status, code and message.
    package var detail: Body.Detail { Body.Detail(status: status.code, code: code, message: message) }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    /// The response: status, `Content-Type: application/json`, the extra headers and the JSON body.
    package func makeResponse() -> Response {
        var fields = headers
        fields[.contentType] = SortedJSONEncoder.contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: jsonBody))
    }

    /// The JSON body (keys sorted).
    package var jsonBody: ByteBuffer {
        let data =
            (try? SortedJSONEncoder.data(of: Body(error: detail))) ?? Data(#"{"error":{"code":"internal"}}"#.utf8)
        return ByteBuffer(bytes: data)
    }
}
