import Foundation
import SortieKit

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`).
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    /// Network address bytes (4 or 16).
    let network: [UInt8]
    let prefixLength: Int

    /// Parses `ADDRESS[/PREFIX]`; a bare address is a single host.
    /// - Returns: `nil` for text that is not an address or has an out-of-range prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = CIDR.parseAddress(first) else { return nil }
        let maxLength = bytes.count * 8
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maxLength).contains(parsed) else { return nil }
            length = parsed
        } else {
            length = maxLength
        }
        self.network = CIDR.mask(bytes, length)
        self.prefixLength = length
    }

    /// Whether `address` (textual IPv4/IPv6; IPv4-mapped IPv6 counts as IPv4) is inside this network.
    public func contains(_ address: String) -> Bool {
        guard var bytes = CIDR.parseAddress(address) else { return false }
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return CIDR.mask(bytes, prefixLength) == network
    }

    public var description: String {
        let text: String
        if network.count == 4 {
            text = network.map(String.init).joined(separator: ".")
        } else {
            text = stride(from: 0, to: 16, by: 2).map { String(UInt16(network[$0]) << 8 | UInt16(network[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
        return "\(text)/\(prefixLength)"
    }

    static func parseAddress(_ text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, length - index * 8))
            return bits == 8 ? byte : byte & ~(UInt8(0xff) >> bits)
        }
    }
}
