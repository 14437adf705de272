import Foundation
import NIOCore
import SortieKit
import NIOHTTP1

// The WebSocket opening handshake (RFC 6455 §4) on both sides of the relay, as NIO protocol
// upgraders. Unlike NIO's own WebSocket upgraders they add no frame codec: the pipeline ends in a
// ``SpliceHandler`` that moves bytes, and bytes that arrived with the handshake reach it. The key
// and accept value come from SortieKit's ``WebSocketHandshake`` (the port-forward client's).

/// The server side: asks `shouldUpgrade` (which may refuse with `nil`) and answers `101` with
/// the accept value; then `upgrade` finishes the pipeline.
struct RelayServerUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPServerProtocolUpgrader {
    /// Decides the request; it must refuse one without a valid key and version (``isValidRequest(_:)``).
    let shouldUpgrade: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?>
    let upgradePipeline: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<UpgradeResult>

    var supportedProtocol: String { "websocket" }
    var requiredUpgradeHeaders: [String] { [] }

    /// One `Sec-WebSocket-Key` and `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.1).
    static func isValidRequest(_ head: HTTPRequestHead) -> Bool {
        head.headers["Sec-WebSocket-Key"].count == 1 && head.headers["Sec-WebSocket-Version"] == ["13"]
    }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead,
                              initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        shouldUpgrade(channel, upgradeRequest).flatMapThrowing { extra in
            guard var headers = extra, Self.isValidRequest(upgradeRequest),
                  let key = upgradeRequest.headers["Sec-WebSocket-Key"].first else { throw Refused() }
            headers.replaceOrAdd(name: "Upgrade", value: "websocket")
            headers.replaceOrAdd(name: "Connection", value: "upgrade")
            headers.add(name: "Sec-WebSocket-Accept", value: WebSocketHandshake.acceptValue(for: key))
            return headers
        }
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        upgradePipeline(channel, upgradeRequest)
    }

    /// Not upgraded: NIO goes on with the request as plain HTTP.
    struct Refused: Error {}
}

/// The client side: sends a key and version 13, accepts only a `101` whose accept value matches.
struct RelayClientUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    let key = WebSocketHandshake(protocols: []).key
    let upgradePipeline: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>

    var supportedProtocol: String { "websocket" }
    var requiredUpgradeHeaders: [String] { [] }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        upgradeRequestHeaders.replaceOrAdd(name: "Sec-WebSocket-Key", value: key)
        upgradeRequestHeaders.replaceOrAdd(name: "Sec-WebSocket-Version", value: "13")
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        upgradeResponse.headers["Sec-WebSocket-Accept"] == [WebSocketHandshake.acceptValue(for: key)]
            && upgradeResponse.headers["Sec-WebSocket-Extensions"].isEmpty
    }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        upgradePipeline(channel, upgradeResponse)
    }
}
