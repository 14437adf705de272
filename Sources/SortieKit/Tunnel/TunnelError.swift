import Foundation

/// Why a tunnel, a port-forward stream or an RFB exchange failed. Each case carries what an
/// actionable message needs; `ErrorPresenter` in the CLI maps them to exit codes.
public enum TunnelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer broke the WebSocket protocol (bad frame, bad handshake answer).
    case protocolViolation(String)
    /// The kubelet reported an error on the port-forward error channel (e.g. connection refused).
    case remote(port: UInt16, message: String)
    /// The connection to the API server broke while the stream was open.
    case connectionLost(server: String, detail: String)
    /// A local socket operation failed (bind, listen, accept).
    case localSocket(operation: String, address: String, errno: Int32)
    /// The session is not in a state that can serve a desktop.
    case sessionNotRunning(id: String, status: String, reason: String?)
    /// The session ended (deleted or failed) while the tunnel was open.
    case sessionEnded(id: String, reason: String)
    /// The VNC server asked for something this client does not do (VNC password authentication).
    case rfbUnsupported(String)
    /// The VNC server answered something that is not RFB, or closed the connection.
    case rfb(String)
    /// Something took longer than allowed.
    case timedOut(String)

    public var description: String {
        switch self {
        case .protocolViolation(let detail):
            "WebSocket protocol error: \(detail)"
        case .remote(let port, let message):
            "port-forward to pod port \(port) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .connectionLost(let server, let detail):
            "the connection to the API server \(server) was lost mid-stream (\(detail)) — is the cluster still reachable?"
        case .localSocket(let operation, let address, let code):
            "cannot \(operation) \(address): \(String(cString: strerror(code)))"
                + (code == EADDRINUSE ? " — another program uses that port; pick another with --port (0 = any free port)" : "")
        case .sessionNotRunning(let id, let status, let reason):
            "session \(id) is \(status)\(reason.map { " (\($0))" } ?? ""), not running — start a new one with 'sortiectl sessions create'"
        case .sessionEnded(let id, let reason):
            "session \(id) ended while connected: \(reason)"
        case .rfbUnsupported(let detail):
            "the VNC server needs something sortiectl does not support: \(detail)"
        case .rfb(let detail):
            "VNC (RFB) exchange failed: \(detail)"
        case .timedOut(let what):
            "timed out \(what)"
        }
    }
}
