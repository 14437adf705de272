import Foundation

/// Byte-level JSON helpers for ``ListItemSplitter``, ``ListOmissions`` and ``JSONReader``.
enum JSONBytes {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ","), openObject = UInt8(ascii: "{"), closeObject = UInt8(ascii: "}")
    static let openArray = UInt8(ascii: "["), closeArray = UInt8(ascii: "]")
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The offset of the quote that ends the string starting at `start` (strings are most of a
    /// list's bytes: memchr finds each quote, then the backslashes before it say whether it is
    /// escaped); nil if the string does not end.
    static func closingQuote(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var from = start
        while from < bytes.count {
            guard let found = memchr(base + from, Int32(quote), bytes.count - from) else { return nil }
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 >= start, bytes[quote - backslashes - 1] == backslash { backslashes += 1 }
            if backslashes % 2 == 0 { return quote }
            from = quote + 1
        }
        return nil
    }
}
