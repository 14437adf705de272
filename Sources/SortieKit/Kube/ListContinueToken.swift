import Foundation

/// Finds a list's `continue` token in its raw JSON before the list is decoded, so the next page
/// can be requested while this one is decoded (``KubeClient/listAll(_:namespace:options:pageSize:)``).
///
/// The API server writes `kind`, `apiVersion` and `metadata` before `items`, so the token — when
/// there is one — stands before the first `"items":`. Only that prefix is searched; a token with
/// an escape in it, or one not found there, gives `nil` (the caller then waits for the decoded
/// list, as it would have anyway).
public enum ListContinueToken {
    /// How far into the body to look: the list's metadata is small.
    static let searchLimit = 4096

    public static func find(in body: Data) -> String? {
        body.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = min(bytes.count, searchLimit)
            let window = UnsafeBufferPointer(rebasing: bytes[0..<end])
            let itemsAt = firstIndex(of: itemsKey, in: window) ?? end
            guard let keyAt = firstIndex(of: continueKey, in: UnsafeBufferPointer(rebasing: window[0..<itemsAt])) else { return nil }
            var index = keyAt + continueKey.count
            while index < itemsAt, window[index] == UInt8(ascii: " ") || window[index] == UInt8(ascii: "\n") { index += 1 }
            guard index < itemsAt, window[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < itemsAt {
                switch window[index] {
                case UInt8(ascii: "\""):
                    return index > start ? String(decoding: UnsafeBufferPointer(rebasing: window[start..<index]), as: UTF8.self) : nil
                case UInt8(ascii: "\\"):
                    return nil
                default:
                    index += 1
                }
            }
            return nil
        }
    }

    private static let itemsKey = Array(#""items":"#.utf8)
    private static let continueKey = Array(#""continue":"#.utf8)

    private static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], zip(needle.indices, needle).allSatisfy({ haystack[index + $0] == $1 }) {
                return index
            }
            index += 1
        }
        return nil
    }
}
