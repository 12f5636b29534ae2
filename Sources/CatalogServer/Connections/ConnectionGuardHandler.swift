import CatalogAPI
import HTTPTypes
import MiniSupport
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// One per connection, after HTTP decoding: registers the connection in the ``ConnectionRegistry``, closes
/// it when a request body takes longer than its limit, and answers what the HTTP parser refuses before any
/// route sees it (a garbage request line, oversized headers) with a problem document instead of an empty 400.
///
/// Waiting for a request head is bounded by Hummingbird's own idle timeout: half a header never becomes an
/// HTTP part, so such a connection counts as idle from the moment it opened.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private var id: ConnectionID?
    /// A request head arrived and its end has not.
    private var readingRequest = false
    /// Requests whose response has not ended.
    private var requestsInProgress = 0
    private var bodyDeadline: Scheduled<Void>?

    init(registry: ConnectionRegistry) { self.registry = registry }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard id == nil else { return }
        id = registry.opened(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        unregister()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { unregister() }

    private func unregister() {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        if let id { registry.closed(id) }
        id = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            requestsInProgress += 1
            if let id { registry.requestStarted(id) }
            let channel = context.channel
            bodyDeadline?.cancel()
            bodyDeadline = context.eventLoop.scheduleTask(in: TimeAmount(registry.limits.bodyTimeout)) {
                channel.close(promise: nil)
            }
        case .body:
            break
        case .end:
            readingRequest = false
            bodyDeadline?.cancel()
            bodyDeadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsInProgress = max(0, requestsInProgress - 1)
            if requestsInProgress == 0, !readingRequest, let id { registry.responseEnded(id) }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Inside a request the route reads the error from the body and answers it; between requests nobody
        // would, so the problem is written here and the connection closed (the parser cannot go on).
        guard let parserError = error as? HTTPParserError, requestsInProgress == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let (status, detail) = Self.describe(parserError)
        let problem = ProblemError(status, code: .invalidRequest, detail: detail)
        let body = ByteBuffer(string: problem.document.serialized() + "\n")
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The status and words for what the parser refused.
    static func describe(_ error: HTTPParserError) -> (HTTPResponse.Status, String) {
        switch error {
        case .headerOverflow:
            return (
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"),
                "the request's headers are too large (at most 16 KiB in all)"
            )
        case .invalidMethod, .unknown:
            return (.badRequest, "the request line is not HTTP: METHOD PATH HTTP/1.1")
        case .invalidURL:
            return (.badRequest, "the request target is not a valid path")
        case .invalidVersion:
            return (.badRequest, "the HTTP version is not one the server speaks (HTTP/1.0 or HTTP/1.1)")
        case .invalidChunkSize, .invalidContentLength, .unexpectedContentLength:
            return (.badRequest, "the body's framing is malformed (\(error))")
        default:
            return (.badRequest, "the request is malformed (\(error))")
        }
    }
}
