import Foundation
@testable import SortieKit
import Testing

/// Splitting a raw list into its envelope and items, for decoding pages on several cores.
@Suite("list items split before decoding")
struct ListItemSplitterTests {
    @Test("the items and the envelope, compact or spaced, with strings that look like structure")
    func splits() throws {
        let body = Data(#"""
        { "kind" : "PodList", "apiVersion":"v1", "metadata": {"resourceVersion":"7","continue":"x"},
          "items" : [ {"metadata":{"name":"a","annotations":{"k":"}]\"items\":[{"}}} ,
                      {"metadata":{"name":"b"},"status":{"conditions":[{"type":"Ready","status":"True"}]}} ] , "extra": ["z"] }
        """#.utf8)
        let split = try #require(ListItemSplitter.split(body))
        #expect(split.items.map { String(decoding: body[$0], as: UTF8.self) } == [
            #"{"metadata":{"name":"a","annotations":{"k":"}]\"items\":[{"}}}"#,
            #"{"metadata":{"name":"b"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#,
        ])
        let envelope = try JSONDecoder().decode(KubeList<Pod>.self, from: split.envelope)
        #expect(envelope.items.isEmpty && envelope.metadata.continue == "x" && envelope.metadata.resourceVersion == "7")
        let pods = try JSONDecoder().decode([Pod].self, from: ListItemSplitter.array(of: split.items[...], in: body))
        #expect(pods.map(\.metadata.name) == ["a", "b"])
    }

    @Test("an empty list", arguments: [#"{"kind":"PodList","items":[]}"#, #"{"items":[ ],"metadata":{}}"#])
    func empty(body: String) throws {
        let split = try #require(ListItemSplitter.split(Data(body.utf8)))
        #expect(split.items.isEmpty)
        #expect(try JSONDecoder().decode(KubeList<Pod>.self, from: split.envelope).items.isEmpty)
    }

    @Test("anything unexpected is left to the whole-body decoder", arguments: [
        #"{"kind":"PodList"}"#,                                  // no items
        #"{"items":{"a":{}}}"#,                                  // items not an array
        #"{"items":[{},"text"]}"#,                               // an item that is not an object
        #"{"items":[[]]}"#,
        #"{"items":[{},,{}]}"#,                                  // commas out of place
        #"{"items":[,{}]}"#,
        #"{"items":[{},]}"#,
        #"{"items":[{}{}]}"#,
        #"{"items":[{"a":"}]}"#,                                 // unterminated string
        #"{"items":[{"a":1}]"#,                                  // unbalanced
        #"{"items":[{"a":1}]}}"#,
        #"{"items":[{}],"items":[{}]}"#,                         // which items?
        #"{"it\u0065ms":[{"a":1}],"items":[{"b":2}]}"#,        // an escaped top-level key
        #"{"items":[{"a":"\"}]}"#,                               // escape at the end
        "",
    ])
    func refuses(body: String) {
        #expect(ListItemSplitter.split(Data(body.utf8)) == nil)
    }

    @Test("a key named items below the top level is not the list's")
    func nestedItemsKey() throws {
        let body = Data(#"{"metadata":{"items":[{"x":1}]},"items":[{"y":2}]}"#.utf8)
        let split = try #require(ListItemSplitter.split(body))
        #expect(split.items.map { String(decoding: body[$0], as: UTF8.self) } == [#"{"y":2}"#])
    }
}

/// A large page decoded in parts on several cores gives exactly what decoding it whole gives.
@Suite("list pages decoded on several cores")
struct ConcurrentListDecodingTests {
    /// A list of `count` recorded pods (Kubernetes 1.36), each with its own name and a distinct index annotation.
    static func recordedPodList(count: Int) throws -> Data {
        let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: FixturePath.kube("pod-get-ready.json"))) as? [String: Any]
        let pod = try #require(recorded?["body"] as? [String: Any])
        let items: [[String: Any]] = (0..<count).map { index in
            var copy = pod
            var metadata = copy["metadata"] as? [String: Any] ?? [:]
            metadata["name"] = "sortie-session-\(index)"
            metadata["annotations"] = ["index": "\(index)"]
            copy["metadata"] = metadata
            return copy
        }
        return try JSONSerialization.data(withJSONObject: [
            "kind": "PodList", "apiVersion": "v1", "metadata": ["resourceVersion": "42", "continue": "next"], "items": items,
        ] as [String: Any])
    }

    static func client() throws -> KubeClient {
        KubeClient(configuration: KubeClientConfiguration(server: "https://127.0.0.1:1"))
    }

    @Test("same items, same order, same metadata, the transform applied to each", arguments: [1, 2, 3, 8])
    func sameAsWhole(cores: Int) async throws {
        let body = try Self.recordedPodList(count: 400)
        #expect(body.count >= KubeClient.concurrentListDecodingThreshold, "the test must take the concurrent path")
        let request = KubeRequest(.get, "/api/v1/pods")
        let whole = try JSONDecoder().decode(KubeList<PodMetadataAndStatus>.self, from: body)
        let page = try await Self.client().decodeListPage(PodMetadataAndStatus.self, from: body, request: request, cores: cores) {
            $0.metadata.annotations?["index"].flatMap(Int.init).flatMap { $0 % 3 == 0 ? nil : $0 }
        }
        #expect(page.metadata.resourceVersion == "42" && page.metadata.continue == "next")
        #expect(page.items == whole.items.compactMap { Int($0.metadata.annotations!["index"]!) }.filter { $0 % 3 != 0 })
        let all = try await Self.client().decodeListPage(PodMetadataAndStatus.self, from: body, request: request, cores: cores) { $0 }
        #expect(all.items == whole.items)
    }

    @Test("a bad item is reported with its place in the whole list")
    func badItemKeepsItsPlace() async throws {
        var text = String(decoding: try Self.recordedPodList(count: 400), as: UTF8.self)
        let marker = #""name":"sortie-session-321""#
        text = text.replacingOccurrences(of: marker, with: #""name":321"#)
        let request = KubeRequest(.get, "/api/v1/pods")
        let error = await #expect(throws: KubeClientError.self) {
            try await Self.client().decodeListPage(PodMetadataAndStatus.self, from: Data(text.utf8), request: request, cores: 2) { $0 }
        }
        #expect("\(error!)".contains("321"), "\(error!)")
    }
}

/// Fields the decoded type never reads are replaced by null before decoding.
@Suite("list item fields omitted before decoding")
struct ListOmissionsTests {
    static let omissions = ListOmissions(fields: ["spec"], metadataFields: ["managedFields"])

    static func pruned(_ items: [String], _ omissions: ListOmissions = omissions) throws -> String {
        let body = Data((#"{"items":["# + items.joined(separator: ",") + "]}").utf8)
        let split = try #require(ListItemSplitter.split(body))
        return String(decoding: ListItemSplitter.array(of: split.items[...], in: body, omitting: omissions), as: UTF8.self)
    }

    @Test("the item's spec and its metadata's managedFields become null; everything else stays byte for byte")
    func replaces() throws {
        let item = #"{"metadata":{"name":"a","managedFields":[{"manager":"x","fieldsV1":{"f:spec":{}}}],"labels":{"spec":"v"}},"#
            + #""spec" : {"containers":[{"name":"app","args":["}\"]{"]}]},"status":{"spec":{"kept":true},"phase":"Running"}}"#
        #expect(try Self.pruned([item, item]) == "[" + [String](repeating:
            #"{"metadata":{"name":"a","managedFields":null,"labels":{"spec":"v"}},"spec" : null,"status":{"spec":{"kept":true},"phase":"Running"}}"#,
            count: 2).joined(separator: ",") + "]")
    }

    @Test("values that are not objects or arrays, fields at other depths, and no omissions leave the item as it is", arguments: [
        #"{"spec":"text","metadata":{"managedFields":3}}"#,
        #"{"status":{"metadata":{"managedFields":[1]}},"items":{"spec":{}}}"#,
        #"{"metadata":[{"managedFields":[1]}]}"#,
        #"{"name":"spec","value":"managedFields"}"#,
    ])
    func keeps(item: String) throws {
        #expect(try Self.pruned([item]) == "[\(item)]")
        #expect(try Self.pruned([item], .none) == "[\(item)]")
    }

    @Test("recorded pods lose two thirds of their bytes and decode to the same sessions")
    func recordedPods() throws {
        let body = try ConcurrentListDecodingTests.recordedPodList(count: 20)
        let split = try #require(ListItemSplitter.split(body))
        let full = ListItemSplitter.array(of: split.items[...], in: body)
        let pruned = ListItemSplitter.array(of: split.items[...], in: body, omitting: PodMetadataAndStatus.listOmissions)
        #expect(pruned.count * 2 < full.count, "\(pruned.count) of \(full.count) bytes")
        #expect(try JSONDecoder().decode([PodMetadataAndStatus].self, from: pruned) == JSONDecoder().decode([PodMetadataAndStatus].self, from: full))
    }
}
