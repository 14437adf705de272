import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("Watch event decoding")
struct WatchEventDecoderTests {
    /// The recorded watch body, fed in the chunk sizes a real API server sent (events span chunks).
    @Test func decodesRecordedStreamAcrossChunkBoundaries() throws {
        let body = try Fixtures.file("watch-pods-stream.ndjson")
        let meta = try JSONSerialization.jsonObject(with: Fixtures.file("watch-pods-stream.meta.json")) as! [String: Any]
        let chunkSizes = meta["chunk_sizes"] as! [Int]
        #expect(chunkSizes.reduce(0, +) == body.count)

        var decoder = WatchEventDecoder<Pod>()
        var events: [WatchEvent<Pod>] = []
        var offset = body.startIndex
        for size in chunkSizes {
            events += try decoder.feed(body[offset..<offset + size])
            offset += size
        }
        events += try decoder.finish()

        let expectedLines = String(decoding: body, as: UTF8.self).split(separator: "\n").count
        #expect(events.count == expectedLines)
        #expect(events.first?.type == .added)
        #expect(events.contains { $0.type == .deleted })
        #expect(events.contains { $0.type == .modified && $0.object.isReady })
        #expect(events.allSatisfy { $0.object.metadata.resourceVersion != nil })
    }

    /// Byte-at-a-time delivery must produce the same events as whole-body delivery.
    @Test func byteAtATimeEqualsWhole() throws {
        let body = try Fixtures.file("watch-pods-stream.ndjson").prefix(20_000)
        var whole = WatchEventDecoder<Pod>()
        let expected = try whole.feed(Data(body)).map { "\($0.type)\($0.object.metadata.resourceVersion ?? "")" }
        var trickle = WatchEventDecoder<Pod>()
        var got: [String] = []
        for byte in body { got += try trickle.feed(Data([byte])).map { "\($0.type)\($0.object.metadata.resourceVersion ?? "")" } }
        #expect(!expected.isEmpty)
        #expect(got == expected)
    }

    @Test func inStreamExpiredErrorBecomesGone() throws {
        var decoder = WatchEventDecoder<Pod>()
        let error = try #require(throws: KubeAPIError.self) {
            _ = try decoder.feed(Fixtures.file("watch-too-old-resourceversion.ndjson"))
        }
        #expect(error.reason == .gone)
        #expect(error.code == 410)
        #expect(error.message.contains("too old resource version"))
    }

    @Test func bookmarkDecodesWithOnlyMetadata() throws {
        var decoder = WatchEventDecoder<Pod>()
        let line = #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12345"}}}"# + "\n"
        let events = try decoder.feed(Data(line.utf8))
        #expect(events.count == 1)
        #expect(events[0].type == .bookmark)
        #expect(events[0].object.metadata.resourceVersion == "12345")
    }

    @Test func garbageLineIsASpecificError() throws {
        var decoder = WatchEventDecoder<Pod>()
        let error = try #require(throws: WatchDecodingError.self) {
            _ = try decoder.feed(Data("this is not json\n".utf8))
        }
        #expect(error.description.contains("not a watch event"))
        #expect(error.description.contains("this is not json"))
    }

    @Test func oversizedEventWithoutNewlineIsRefused() throws {
        var decoder = WatchEventDecoder<Pod>()
        decoder.maxEventSize = 1024
        #expect(throws: WatchDecodingError.self) {
            _ = try decoder.feed(Data(repeating: UInt8(ascii: "a"), count: 2048))
        }
    }
}
