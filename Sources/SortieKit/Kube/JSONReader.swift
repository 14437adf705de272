import Foundation

/// A forward-only reader of one JSON value's bytes, for types that read themselves faster than
/// JSONDecoder can decode them (``KubeResource/decodeDirectly(_:)``): the fields a type models are
/// read into values; everything else is checked and stepped over without making a value.
///
/// It accepts a strict subset of what JSONDecoder accepts: integers without fraction or exponent,
/// no Unicode surrogate escapes, nesting up to ``maximumDepth``. Anything else, malformed JSON
/// included, throws ``Unsupported``: the caller then lets JSONDecoder decode the bytes, and its
/// answer (the value, or the error) is the answer. So this reader never has to agree with
/// JSONDecoder on an edge case; it only has to refuse it.
struct JSONReader {
    /// The bytes are not the plain JSON this reader handles; JSONDecoder must decide.
    struct Unsupported: Error {}

    /// Deeper nesting than this is refused (Kubernetes objects nest about 10 deep).
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// A value was just read inside an object or array: a comma or the closing bracket is next.
    private var valueEnded = false

    /// Reads `bytes` as exactly one JSON value with `read`; nil when `read` throws or anything but
    /// whitespace follows the value.
    static func read<Value>(_ bytes: UnsafeBufferPointer<UInt8>, with read: (inout JSONReader) throws -> Value) -> Value? {
        var reader = JSONReader(bytes: bytes)
        guard let value = try? read(&reader) else { return nil }
        reader.skipSpace()
        return reader.index == bytes.count ? value : nil
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Objects and arrays

    /// Reads `{`; then ``nextKey()`` gives each key until the object ends.
    mutating func enterObject() throws {
        try enter(Byte.openObject)
    }

    /// The next key of the object being read (its value comes next), or nil after its `}`.
    mutating func nextKey() throws -> String? {
        guard try nextMember(closedBy: Byte.closeObject) else { return nil }
        let key = try readString()
        try skipColon()
        valueEnded = false
        return key
    }

    private mutating func skipColon() throws {
        skipSpace()
        guard try peek() == Byte.colon else { throw Unsupported() }
        index += 1
    }

    /// Reads `[`; then ``nextElement()`` says whether another element follows.
    mutating func enterArray() throws {
        try enter(Byte.openArray)
    }

    /// Whether another element of the array being read comes next (false after its `]`).
    mutating func nextElement() throws -> Bool {
        try nextMember(closedBy: Byte.closeArray)
    }

    private mutating func enter(_ bracket: UInt8) throws {
        skipSpace()
        guard try peek() == bracket, depth < Self.maximumDepth else { throw Unsupported() }
        index += 1
        depth += 1
        valueEnded = false
    }

    private mutating func nextMember(closedBy bracket: UInt8) throws -> Bool {
        skipSpace()
        let byte = try peek()
        if byte == bracket {
            index += 1
            depth -= 1
            valueEnded = true
            return false
        }
        if valueEnded {
            guard byte == Byte.comma else { throw Unsupported() }
            index += 1
            skipSpace()
        }
        valueEnded = false
        return true
    }

    // MARK: Values

    /// Reads `null` if it comes next (and returns true); otherwise reads nothing.
    mutating func readNull() throws -> Bool {
        skipSpace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        try readLiteral("null")
        return true
    }

    mutating func readBool() throws -> Bool {
        skipSpace()
        switch try peek() {
        case UInt8(ascii: "t"): try readLiteral("true"); return true
        case UInt8(ascii: "f"): try readLiteral("false"); return false
        default: throw Unsupported()
        }
    }

    /// An integer written without fraction or exponent that fits `Integer`.
    mutating func readInteger<Integer: FixedWidthInteger>(_: Integer.Type = Integer.self) throws -> Integer {
        skipSpace()
        let negative = try peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let first = index
        var value: Integer = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowedAgain) = negative ? shifted.subtractingReportingOverflow(Integer(digit))
                                                   : shifted.addingReportingOverflow(Integer(digit))
            guard !overflowed, !overflowedAgain else { throw Unsupported() }
            value = next
            index += 1
        }
        let digits = index - first
        guard digits > 0, digits == 1 || bytes[first] != UInt8(ascii: "0") else { throw Unsupported() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            throw Unsupported()
        }
        valueEnded = true
        return value
    }

    mutating func readString() throws -> String {
        skipSpace()
        guard try peek() == Byte.quote else { throw Unsupported() }
        let start = index + 1
        index = plainRunEnd(from: start)
        // The common case: ASCII without escapes becomes a String straight from the bytes.
        if try peek() == Byte.quote {
            let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            valueEnded = true
            return string
        }
        var utf8 = Array(bytes[start..<index])
        while true {
            let byte = try peek()
            index += 1
            switch byte {
            case Byte.quote:
                guard let string = String(validating: utf8, as: UTF8.self) else { throw Unsupported() }
                valueEnded = true
                return string
            case Byte.backslash:
                UTF8.encode(try readEscape()) { utf8.append($0) }
            case ..<0x20:
                throw Unsupported()
            default:
                utf8.append(byte)
            }
        }
    }

    /// Steps over one value of any kind, checking that it is well-formed JSON.
    mutating func skipValue() throws {
        skipSpace()
        switch try peek() {
        case Byte.quote: try skipString()
        case Byte.openObject:
            // Keys stepped over may have escapes (managedFields has `k:{\"name\":\"app\"}`).
            try enterObject()
            while try nextMember(closedBy: Byte.closeObject) {
                guard try peek() == Byte.quote else { throw Unsupported() }
                try skipString()
                try skipColon()
                try skipValue()
            }
        case Byte.openArray:
            try enterArray()
            while try nextElement() { try skipValue() }
        case UInt8(ascii: "t"): try readLiteral("true")
        case UInt8(ascii: "f"): try readLiteral("false")
        case UInt8(ascii: "n"): try readLiteral("null")
        default: try skipNumber()
        }
    }

    /// `null` as nil, or the value `read` reads.
    mutating func readOptional<Value>(_ read: (inout JSONReader) throws -> Value) throws -> Value? {
        try readNull() ? nil : read(&self)
    }

    mutating func readOptionalString() throws -> String? {
        try readOptional { try $0.readString() }
    }

    mutating func readArray<Element>(of read: (inout JSONReader) throws -> Element) throws -> [Element] {
        try enterArray()
        var elements: [Element] = []
        while try nextElement() { elements.append(try read(&self)) }
        return elements
    }

    /// Reads an object whose keys `field` knows: for a key it models, `field` reads the value and
    /// returns the field's number (0–63, one per field); for any other key it returns nil and the
    /// value is checked and skipped. A field given twice is ``Unsupported``.
    mutating func readObject(_ field: (inout JSONReader, String) throws -> Int?) throws {
        var seen = JSONFieldsSeen()
        try enterObject()
        while let key = try nextKey() {
            if let number = try field(&self, key) {
                try seen.insert(number)
            } else {
                try skipValue()
            }
        }
    }

    /// An object of strings (labels, annotations); a repeated key is ``Unsupported``.
    mutating func readStringMap() throws -> [String: String] {
        try enterObject()
        var map: [String: String] = [:]
        while let key = try nextKey() {
            guard map.updateValue(try readString(), forKey: key) == nil else { throw Unsupported() }
        }
        return map
    }

    // MARK: Pieces

    private mutating func skipString() throws {
        index += 1
        let start = index
        var ascii = true
        while true {
            index = plainRunEnd(from: index)
            let byte = try peek()
            index += 1
            switch byte {
            case Byte.quote:
                if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self) == nil {
                    throw Unsupported()
                }
                valueEnded = true
                return
            case Byte.backslash:
                _ = try readEscape()
            case ..<0x20:
                throw Unsupported()
            default:
                ascii = false
            }
        }
    }

    /// Where the run of plain string bytes starting at `start` ends: at the first quote,
    /// backslash, control character or non-ASCII byte (or the end). Most of a pod's bytes are
    /// in such runs.
    private func plainRunEnd(from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var offset = start
        while offset < bytes.count {
            let byte = base[offset]
            if byte == Byte.quote || byte == Byte.backslash || byte &- 0x20 >= 0x60 { break }
            offset += 1
        }
        return offset
    }

    /// After a backslash: the escaped character.
    private mutating func readEscape() throws -> Unicode.Scalar {
        let byte = try peek()
        index += 1
        switch byte {
        case Byte.quote, Byte.backslash, UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Self.hexDigit(try peek()) else { throw Unsupported() }
                code = code << 4 | digit
                index += 1
            }
            // Surrogate pairs are left to JSONDecoder; Kubernetes writes non-ASCII as UTF-8.
            guard let scalar = Unicode.Scalar(code) else { throw Unsupported() }
            return scalar
        default:
            throw Unsupported()
        }
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func skipNumber() throws {
        if try peek() == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = skipDigits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw Unsupported() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw Unsupported() }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw Unsupported() }
        }
        valueEnded = true
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, Self.digit(bytes[index]) != nil { index += 1 }
        return index - start
    }

    private mutating func readLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count,
              memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0 else { throw Unsupported() }
        index += count
        valueEnded = true
    }

    private func peek() throws -> UInt8 {
        guard index < bytes.count else { throw Unsupported() }
        return bytes[index]
    }

    private mutating func skipSpace() {
        while index < bytes.count, Byte.isSpace(bytes[index]) { index += 1 }
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private typealias Byte = JSONBytes
}

/// Which of a type's fields an object has given, so a repeated key is refused (JSONDecoder, not
/// ``JSONReader``, decides what a duplicate means).
private struct JSONFieldsSeen {
    private var bits: UInt64 = 0

    mutating func insert(_ field: Int) throws {
        let bit: UInt64 = 1 << UInt64(field)
        guard bits & bit == 0 else { throw JSONReader.Unsupported() }
        bits |= bit
    }
}
