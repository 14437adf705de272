import Foundation

/// One event of a watch stream (`metav1.WatchEvent`).
public struct WatchEvent<Object: Sendable>: Sendable {
    public typealias EventType = WatchEventType
    public var type: EventType
    public var object: Object
}

/// Splits a watch body into events: the API server writes one JSON object per line, and the
/// network may cut anywhere, so bytes are buffered up to each newline.
public struct WatchEventDecoder<Object: KubeResource>: Sendable {
    private var buffer = Data()
    /// How much of `buffer` is known to hold no newline (so each byte is searched once).
    private var scanned = 0
    /// Guards against a server that never sends a newline.
    public var maxEventSize = 16 << 20

    public init() {}

    /// Feeds bytes; returns the complete events they finish.
    /// - Throws: `KubeAPIError` for an in-stream `ERROR` event (e.g. 410 Expired), or
    ///   `WatchDecodingError` for a line that isn't a watch event.
    public mutating func feed(_ data: Data) throws -> [WatchEvent<Object>] {
        buffer.append(data)
        var events: [WatchEvent<Object>] = []
        var start = buffer.startIndex
        var searchFrom = buffer.startIndex + scanned
        while let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[start..<newline]
            start = buffer.index(after: newline)
            searchFrom = start
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            events.append(try Self.decodeLine(Data(line)))
        }
        buffer.removeSubrange(buffer.startIndex..<start)
        scanned = buffer.count
        if buffer.count > maxEventSize {
            throw WatchDecodingError(message: "a watch event is larger than \(maxEventSize) bytes", line: "")
        }
        return events
    }

    /// Decodes whatever remains when the stream ends (a final event without a newline).
    public mutating func finish() throws -> [WatchEvent<Object>] {
        defer { buffer.removeAll(); scanned = 0 }
        let rest = buffer.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard !rest.isEmpty else { return [] }
        return [try Self.decodeLine(buffer)]
    }

    static func decodeLine(_ line: Data) throws -> WatchEvent<Object> {
        let decoder = JSONDecoder()
        let envelope: WatchEnvelope
        do {
            envelope = try decoder.decode(WatchEnvelope.self, from: line)
        } catch {
            throw WatchDecodingError(message: "not a watch event: \(error)", line: String(decoding: line.prefix(200), as: UTF8.self))
        }
        if envelope.type == .error {
            let status = (try? decoder.decode(ObjectEnvelope<KubeStatus>.self, from: line).object)
                ?? KubeStatus(message: "the watch ended with an error event", reason: nil, code: 500)
            throw KubeAPIError(code: status.code ?? 500, status: status, request: "WATCH \(Object.resource)")
        }
        do {
            return WatchEvent(type: envelope.type, object: try decoder.decode(ObjectEnvelope<Object>.self, from: line).object)
        } catch {
            throw WatchDecodingError(message: "cannot decode the \(envelope.type.rawValue) event's \(Object.kind): \(error)",
                                     line: String(decoding: line.prefix(200), as: UTF8.self))
        }
    }
}

private struct WatchEnvelope: Decodable { var type: WatchEventType }
private struct ObjectEnvelope<T: Decodable>: Decodable { var object: T }

/// The kinds of watch event.
public enum WatchEventType: String, Sendable, Codable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR"
}

public struct WatchDecodingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var line: String
    public var description: String { line.isEmpty ? message : "\(message) (in: \(line))" }
}
