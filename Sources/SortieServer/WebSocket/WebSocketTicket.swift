import Foundation
import SortieKit

/// Short-lived, HMAC-SHA256-signed permission to open one session's WebSocket, carried in
/// `websocket_url` as `?token=` because browsers cannot set headers on a WebSocket.
///
/// Format: `v1.<expiry unix seconds>.<hex HMAC(key, "v1|session|user|expiry")>`; the session and
/// user are not in the token (the URL names the session, the signature binds the user), so a
/// ticket leaks nothing and is useless for any other session.
public struct WebSocketTicketSigner: Sendable {
    let key: [UInt8]
    let lifetime: Duration
    let now: @Sendable () -> Date

    public init(key: [UInt8], lifetime: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.key = key
        self.lifetime = lifetime
        self.now = now
    }

    /// 32 random bytes for a per-process key.
    public static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A ticket for `userID` to open session `sessionID`'s WebSocket.
    public func ticket(sessionID: String, userID: String) -> String {
        let expiry = Int(now().timeIntervalSince1970) + Int(lifetime.components.seconds)
        return "v1.\(expiry).\(signature(sessionID: sessionID, userID: userID, expiry: expiry))"
    }

    /// Whether `ticket` was issued for this session and user and has not expired.
    public func verify(_ ticket: String, sessionID: String, userID: String) -> Bool {
        let parts = ticket.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let expiry = Int(parts[1]) else { return false }
        guard expiry >= Int(now().timeIntervalSince1970) else { return false }
        return StaticTokenFile.constantTimeEquals(String(parts[2]), signature(sessionID: sessionID, userID: userID, expiry: expiry))
    }

    private func signature(sessionID: String, userID: String, expiry: Int) -> String {
        Hex.encode(HMACSHA256.authenticationCode(key: key, message: Array("v1|\(sessionID.lowercased())|\(userID)|\(expiry)".utf8)))
    }
}

/// HMAC (RFC 2104) over SortieKit's SHA-256.
enum HMACSHA256 {
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = SHA256.hash(block.map { $0 ^ 0x36 } + message)
        return SHA256.hash(block.map { $0 ^ 0x5c } + inner)
    }
}
