import Hummingbird
import NIOCore
import NIOHTTPTypes

/// One per connection, between HTTP decoding and Hummingbird's request handling: answers requests the HTTP
/// layer refuses with the same JSON error body as every other refusal, and bounds how long a request body may
/// take to arrive.
///
/// - A request whose request line or headers cannot be parsed (oversized headers, bad or repeated
///   `Content-Length`, a bad method line...) never reaches a route: this handler answers it with a JSON
///   ``APIError`` (after any response still in progress on the connection) and closes the connection.
/// - An error in a body (bad chunking, or the body not complete within `readTimeout` after the headers) is
///   passed on to the route reading the body, which answers with its JSON error; the connection is then
///   closed. Hummingbird's own empty 400 for the same error is dropped.
final class RequestGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readTimeout: Duration
    private let metrics: ServerMetrics
    /// A request's headers arrived and its end has not.
    private var isReadingBody = false
    /// Requests whose headers arrived and whose response has not ended.
    private var unansweredRequests = 0
    private var readTimer: Scheduled<Void>?
    /// An error was passed on to the route reading a body; the connection closes after that response.
    private var forwardedError = false
    /// A refusal to write once the response in progress has ended.
    private var pendingRefusal: APIError?
    /// Hummingbird's empty 400 is being dropped.
    private var isDroppingResponse = false

    init(readTimeout: Duration, metrics: ServerMetrics) {
        self.readTimeout = readTimeout
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            isReadingBody = true
            unansweredRequests += 1
            startReadTimer(context)
        case .body:
            break
        case .end:
            isReadingBody = false
            cancelReadTimer()
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let refusal = APIError.refusal(for: error) else {
            context.fireErrorCaught(error)
            return
        }
        if isReadingBody {
            isReadingBody = false
            cancelReadTimer()
            forwardedError = true
            context.fireErrorCaught(error)
        } else if unansweredRequests > 0 {
            pendingRefusal = refusal
        } else {
            refuse(context, with: refusal)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .head(let head) = part, forwardedError, Self.isEmptyParserRefusal(head) {
            isDroppingResponse = true
        }
        if isDroppingResponse {
            promise?.succeed(())
            if case .end = part {
                isDroppingResponse = false
                context.close(mode: .output, promise: nil)
            }
            return
        }
        context.write(data, promise: promise)
        guard case .end = part else { return }
        unansweredRequests = max(0, unansweredRequests - 1)
        guard unansweredRequests == 0 else { return }
        if let refusal = pendingRefusal {
            pendingRefusal = nil
            refuse(context, with: refusal)
        } else if forwardedError {
            context.flush()
            context.close(mode: .output, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelReadTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelReadTimer()
    }

    /// Writes `error` as the response to a request no route saw, then closes the connection's output (the
    /// client reads the answer, then end of stream).
    private func refuse(_ context: ChannelHandlerContext, with error: APIError) {
        // A client that hung up in the middle of its headers gets no answer.
        guard context.channel.isActive else { return }
        metrics.recordError(route: "unmatched", code: error.code)
        let body = error.jsonBody
        var fields = error.headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(mode: .output, promise: nil)
    }

    /// Hummingbird answers a parser error it meets itself with a bare 400: no content type, empty body.
    private static func isEmptyParserRefusal(_ head: HTTPResponse) -> Bool {
        head.status == .badRequest && head.headerFields[.contentType] == nil && head.headerFields[.contentLength] == "0"
    }

    private func startReadTimer(_ context: ChannelHandlerContext) {
        cancelReadTimer()
        readTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(readTimeout)) { [self] in
            readTimer = nil
            guard isReadingBody else { return }
            errorCaught(context: context, error: RequestReadError.bodyTimedOut(after: readTimeout))
        }
    }

    private func cancelReadTimer() {
        readTimer?.cancel()
        readTimer = nil
    }
}

@available(*, unavailable)
extension RequestGuardHandler: Sendable {}
