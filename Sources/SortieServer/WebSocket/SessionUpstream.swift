import Foundation
import SortieKit
import Logging
import NIOCore

/// Reaches a session pod's websockify (port 6080): opens a byte stream to it as a NIO channel.
/// One implementation per way of reaching pods (``ServerConfiguration/UpstreamMode``); the
/// WebSocket handshake over it (``UpstreamHandshake``) and the relay are the same for all.
public protocol SessionUpstream: Sendable {
    /// Opens a stream to the pod's websockify port.
    /// - Parameters:
    ///   - pod: the session pod (its IP, name and namespace).
    ///   - eventLoop: the loop the channel must live on: the client's, so the relay never
    ///     leaves it.
    /// - Throws: ``SessionUpstreamError`` or the transport's error when the pod cannot be reached.
    func connect(to pod: Pod, on eventLoop: any EventLoop, logger: Logger) async throws -> UpstreamConnection
}

/// An open stream to a pod's websockify.
public struct UpstreamConnection: Sendable {
    /// The channel, active; closing it ends the stream (and whatever carries it).
    public let channel: any Channel
    /// The `Host` header for websockify's handshake.
    public let host: String
    /// Why the stream broke, when its transport knows better than the socket does (the
    /// port-forward's error channel: "connection refused" rather than an early EOF).
    /// Asked after the stream failed; may wait briefly for the transport to report.
    public let failure: @Sendable () async -> (any Error)?

    public init(channel: any Channel, host: String, failure: @escaping @Sendable () async -> (any Error)? = { nil }) {
        self.channel = channel
        self.host = host
        self.failure = failure
    }
}

/// Why an upstream could not be used.
public enum SessionUpstreamError: Error, Sendable, CustomStringConvertible {
    /// The pod has no IP yet (not scheduled or not started).
    case noPodIP(pod: String)
    /// websockify answered the handshake with something other than a WebSocket upgrade.
    case refusedUpgrade
    /// websockify did not answer the handshake in time.
    case handshakeTimeout
    /// The chosen mode is not available in this build.
    case unsupported(String)

    public var description: String {
        switch self {
        case .noPodIP(let pod): "pod \(pod) has no IP address yet"
        case .refusedUpgrade: "websockify in the pod refused the WebSocket upgrade"
        case .handshakeTimeout: "websockify in the pod did not answer the WebSocket handshake in time"
        case .unsupported(let text): text
        }
    }
}
