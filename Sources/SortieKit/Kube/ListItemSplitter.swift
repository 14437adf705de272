import Foundation

/// Splits a raw list response (`{"kind":…,"metadata":{…},"items":[{…},{…}]}`) into its envelope
/// and the byte ranges of its items, without decoding anything, so the items can be decoded on
/// several threads (``KubeClient/listAll(_:namespace:options:pageSize:)``): JSONDecoder takes
/// ~100 ms for a page of 500 pods on one core.
///
/// One pass over the bytes that follows strings (with escapes) and nesting. Anything it does not
/// expect — no top-level `items` array, an item that is not an object, unbalanced brackets, an
/// unterminated string — gives `nil`, and the caller decodes the body as a whole (which reports
/// malformed JSON as it always did).
public struct ListItemSplitter: Sendable, Equatable {
    /// The body with an empty `items` array: `kind`, `apiVersion`, `metadata` decode from it.
    public let envelope: Data
    /// Each item's bytes in the body, in order.
    public let items: [Range<Int>]

    public static func split(_ body: Data) -> ListItemSplitter? {
        let ranges: (open: Int, close: Int, items: [Range<Int>])? = body.withUnsafeBytes { raw in
            scan(raw.bindMemory(to: UInt8.self))
        }
        guard let ranges else { return nil }
        var envelope = Data(capacity: body.count - (ranges.close - ranges.open) + 1)
        envelope.append(body[body.startIndex..<body.startIndex + ranges.open + 1])
        envelope.append(body[body.startIndex + ranges.close..<body.endIndex])
        return ListItemSplitter(envelope: envelope, items: ranges.items)
    }

    /// The items in `ranges` as one JSON array (`[item,item]`), for decoding as `[T]`, with the
    /// values of the `omitted` fields replaced by `null` (``ListOmissions``).
    public static func array(of ranges: ArraySlice<Range<Int>>, in body: Data, omitting omitted: ListOmissions = .none) -> Data {
        var array = Data(capacity: ranges.reduce(2) { $0 + $1.count + 1 })
        array.append(UInt8(ascii: "["))
        body.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            for (offset, range) in ranges.enumerated() {
                if offset > 0 { array.append(UInt8(ascii: ",")) }
                if omitted.isEmpty {
                    array.append(UnsafeBufferPointer(rebasing: bytes[range]))
                } else {
                    omitted.append(item: range, of: bytes, to: &array)
                }
            }
        }
        array.append(UInt8(ascii: "]"))
        return array
    }

    private typealias Byte = JSONBytes
    private static let itemsKey = Array("items".utf8)


    /// The offsets of the items array's `[` and `]`, and each item's range; nil when the body is
    /// not a list of objects as expected.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (open: Int, close: Int, items: [Range<Int>])? {
        var depth = 0
        var index = 0
        var lastString: Range<Int>?          // the last string read at depth 1 (a key, or a value)
        var itemsValueNext = false           // `"items":` was just read at depth 1
        var itemsOpen: Int?, itemsClose: Int?
        var inItems = false                  // between the items array's brackets
        var itemStart: Int?
        var afterItem = false                // an item was read; a comma or the end comes next
        var items: [Range<Int>] = []
        while index < bytes.count {
            let byte = bytes[index]
            if Byte.isSpace(byte) { index += 1; continue }
            if inItems, depth == 2 {
                // Between items: only objects, separated by commas.
                switch byte {
                case Byte.openObject where !afterItem: itemStart = index
                case Byte.comma where afterItem: afterItem = false; index += 1; continue
                case Byte.closeArray where afterItem || items.isEmpty: break
                default: return nil
                }
            }
            switch byte {
            case Byte.quote:
                let start = index + 1
                guard let end = Byte.closingQuote(in: bytes, from: start) else { return nil }
                index = end
                if depth == 1 {
                    // An escaped top-level key could spell "items" another way: leave that to the decoder.
                    guard !bytes[start..<index].contains(Byte.backslash) else { return nil }
                    lastString = start..<index
                    itemsValueNext = false
                }
            case Byte.colon:
                if depth == 1 {
                    let isItems = lastString.map { range in
                        range.count == itemsKey.count && zip(range, itemsKey).allSatisfy { bytes[$0] == $1 }
                    } == true
                    if isItems, itemsOpen != nil { return nil }  // a second "items": which one counts is unclear
                    itemsValueNext = isItems
                }
            case Byte.openObject, Byte.openArray:
                if depth == 1, itemsValueNext {
                    guard byte == Byte.openArray else { return nil }
                    itemsOpen = index
                    inItems = true
                }
                itemsValueNext = false
                depth += 1
            case Byte.closeObject, Byte.closeArray:
                depth -= 1
                guard depth >= 0 else { return nil }
                if inItems, depth == 2, let start = itemStart {
                    guard byte == Byte.closeObject else { return nil }
                    items.append(start..<index + 1)
                    itemStart = nil
                    afterItem = true
                } else if inItems, depth == 1 {
                    guard byte == Byte.closeArray else { return nil }
                    itemsClose = index
                    inItems = false
                }
            default:
                if depth == 1 { itemsValueNext = false }
            }
            index += 1
        }
        guard depth == 0, let itemsOpen, let itemsClose else { return nil }
        return (itemsOpen, itemsClose, items)
    }
}
