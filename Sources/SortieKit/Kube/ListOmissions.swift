import Foundation

/// Fields of a list's items that the decoded type never reads, replaced by `null` before
/// decoding (``ListItemSplitter/array(of:in:omitting:)``): JSONDecoder scans every byte it is
/// given, and a session pod's `spec` and `metadata.managedFields` are two thirds of its JSON.
///
/// Only object and array values are replaced; a field whose value is anything else is left as it
/// is. Replacing changes nothing a type that does not read the field can see.
public struct ListOmissions: Sendable, Equatable {
    /// Fields of the item itself (`spec`).
    public let fields: [String]
    /// Fields of the item's `metadata` (`managedFields`).
    public let metadataFields: [String]
    /// The names as UTF-8, made once rather than for every item.
    private let fieldKeys: [[UInt8]], metadataKeys: [[UInt8]]

    public init(fields: [String] = [], metadataFields: [String] = []) {
        self.fields = fields
        self.metadataFields = metadataFields
        fieldKeys = fields.map { Array($0.utf8) }
        metadataKeys = metadataFields.map { Array($0.utf8) }
    }

    public static let none = ListOmissions()

    var isEmpty: Bool { fields.isEmpty && metadataFields.isEmpty }

    private typealias Byte = JSONBytes
    private static let metadataKey = Array("metadata".utf8)

    /// Appends the item at `range` of `bytes` to `output` with the omitted values replaced.
    /// The item was delimited by ``ListItemSplitter`` (balanced, strings terminated).
    func append(item range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, to output: inout Data) {
        var copied = range.lowerBound     // bytes before this are in `output`
        var index = range.lowerBound
        var depth = 0                     // 1 inside the item's own object
        var key: Range<Int>?              // the last key read
        var inMetadata = false            // inside the item's `metadata` object (depth 2)
        func matches(_ key: Range<Int>, _ candidates: [[UInt8]]) -> Bool {
            candidates.contains { candidate in
                candidate.count == key.count && zip(key, candidate).allSatisfy { bytes[$0] == $1 }
            }
        }
        while index < range.upperBound {
            switch bytes[index] {
            case Byte.quote:
                guard let end = Byte.closingQuote(in: UnsafeBufferPointer(rebasing: bytes[..<range.upperBound]), from: index + 1) else {
                    index = range.upperBound
                    continue
                }
                key = index + 1..<end
                index = end + 1
                continue
            case Byte.colon:
                guard let name = key, depth == 1 && matches(name, fieldKeys) || depth == 2 && inMetadata && matches(name, metadataKeys) else { break }
                var start = index + 1
                while start < range.upperBound, Byte.isSpace(bytes[start]) { start += 1 }
                guard start < range.upperBound, bytes[start] == Byte.openObject || bytes[start] == Byte.openArray,
                      let end = Self.valueEnd(in: bytes, from: start, limit: range.upperBound) else { break }
                output.append(UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                output.append(contentsOf: "null".utf8)
                copied = end
                index = end
                key = nil
                continue
            case Byte.openObject, Byte.openArray:
                if depth == 1 { inMetadata = bytes[index] == Byte.openObject && key.map { matches($0, [Self.metadataKey]) } == true }
                depth += 1
            case Byte.closeObject, Byte.closeArray:
                depth -= 1
                if depth == 1 { inMetadata = false }
            default:
                break
            }
            index += 1
        }
        output.append(UnsafeBufferPointer(rebasing: bytes[copied..<range.upperBound]))
    }

    /// The offset just past the object or array that starts at `start`.
    private static func valueEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Int? {
        var depth = 0
        var index = start
        let bounded = UnsafeBufferPointer(rebasing: bytes[..<limit])
        while index < limit {
            switch bytes[index] {
            case Byte.quote:
                guard let end = Byte.closingQuote(in: bounded, from: index + 1) else { return nil }
                index = end
            case Byte.openObject, Byte.openArray:
                depth += 1
            case Byte.closeObject, Byte.closeArray:
                depth -= 1
                if depth == 0 { return index + 1 }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
