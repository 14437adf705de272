import Foundation
@testable import SortieKit
import SortieKitTesting
import Testing

/// Pods read straight from JSON (``JSONReader``) must be exactly what JSONDecoder makes of the
/// same bytes, and whatever the reader does not handle must be left to JSONDecoder (nil).
@Suite("pod metadata and status read without JSONDecoder")
struct PodReadingTests {
    static func read(_ json: some Collection<UInt8>) -> PodMetadataAndStatus? {
        Array(json).withUnsafeBufferPointer { PodMetadataAndStatus.decodeDirectly($0) }
    }

    static func decoded(_ json: String) -> PodMetadataAndStatus? {
        try? JSONDecoder().decode(PodMetadataAndStatus.self, from: Data(json.utf8))
    }

    @Test("pods recorded from Kubernetes 1.36 are read, equal to JSONDecoder's", arguments: [
        "pod-list-page1.json", "pod-list-page2.json", "pod-list-selector.json",
        "pod-get-ready.json", "pod-get-pullfail.json", "pod-create.json", "pod-delete.json", "pod-patch-merge.json",
    ])
    func recorded(name: String) throws {
        let body = try Fixtures.body(name)
        let items: [Data]
        if let split = ListItemSplitter.split(body) {
            items = split.items.map { body[$0] }
            #expect(!items.isEmpty || name.contains("page2"))
        } else {
            items = [body]
        }
        for item in items {
            let read = try #require(Self.read(item), "refused: \(String(decoding: item, as: UTF8.self).prefix(200))")
            #expect(read == (try JSONDecoder().decode(PodMetadataAndStatus.self, from: item)))
        }
    }

    @Test("every field of every type is read (a field added to a model and not to its reader fails here)")
    func everyField() throws {
        let terminated = ContainerState.Terminated(exitCode: -2, reason: "Error", message: "exit \"2\"\n",
                                                   startedAt: "2026-11-22T10:00:00Z", finishedAt: "2026-11-22T10:00:05Z")
        let state = ContainerState(waiting: .init(reason: "ImagePullBackOff", message: "Back-off pulling image"),
                                   running: .init(startedAt: "2026-11-22T10:00:01Z"), terminated: terminated)
        let container = ContainerStatus(name: "app", ready: true, started: false, restartCount: 3, image: "xterm:1",
                                        imageID: "sha256:abc", containerID: "containerd://1", state: state, lastState: state)
        var status = PodStatus(phase: "Running")
        status.conditions = [PodCondition(type: "Ready", status: "True", reason: "R", message: "M", lastTransitionTime: "2026-11-22T10:00:02Z")]
        status.message = "message"
        status.reason = "reason"
        status.hostIP = "10.0.0.1"
        status.podIP = "10.1.0.1"
        status.startTime = "2026-11-22T09:59:59Z"
        status.qosClass = "Burstable"
        status.initContainerStatuses = [container]
        status.containerStatuses = [container, container]
        var metadata = ObjectMeta(name: "pod", generateName: "sortie-", namespace: "ns", labels: ["a": "1", "b": ""],
                                  annotations: ["sortie.io/user": "é 中 \u{1F600}"])
        metadata.uid = "uid"
        metadata.resourceVersion = "7"
        metadata.generation = Int64.max
        metadata.creationTimestamp = "2026-11-22T09:59:58Z"
        metadata.deletionTimestamp = "2026-11-22T11:00:00Z"
        metadata.deletionGracePeriodSeconds = Int64.min
        metadata.finalizers = ["a/b"]
        metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Node", name: "n", uid: "u", controller: true)]
        let pod = PodMetadataAndStatus(metadata: metadata, status: status)
        #expect(Self.unsetFields(of: pod).isEmpty, "set these in the test too: \(Self.unsetFields(of: pod))")

        let encoded = try JSONEncoder().encode(pod)
        #expect(Self.read(encoded) == pod)
        let spaced = try JSONEncoder.prettyPrinted().encode(pod)
        #expect(Self.read(spaced) == pod)
    }

    /// The paths of the optionals that are nil anywhere in `value`.
    static func unsetFields(of value: Any, path: String = "") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return unsetFields(of: wrapped, path: path)
        }
        if value is String { return [] }
        return mirror.children.enumerated().flatMap { offset, child in
            unsetFields(of: child.value, path: path + "." + (child.label ?? "\(offset)"))
        }
    }

    @Test("what it reads, in every JSON spelling it handles, is what JSONDecoder decodes", arguments: [
        #"{"metadata":{"name":"a\"b\\c\/d\n\t\u00e9\u4e2d\u0000","annotations":{"k":"héllo 中"}},"status":null}"#,
        #" { "kind" : "Pod" , "metadata" : { "labels" : { } , "finalizers" : [ ] } , "status" : { "phase" : "Pending" } } "#,
        #"{"spec":{"x":[1,-2.5e3,0,0.5,1E+2,true,false,null,"é",{"k:{\"name\":\"app\"}":{}}]},"metadata":{"generation":-0}}"#,
        #"{"metadata":{"name":null,"labels":null,"ownerReferences":null,"unknown":{"deep":[[[]]]}},"status":{"containerStatuses":null}}"#,
        #"{"metadata":{},"status":{"containerStatuses":[{"name":"c","state":{"waiting":null,"running":{},"terminated":{"exitCode":0}}}]}}"#,
        #"{"status":{"conditions":[{"status":"False","type":"PodScheduled","message":"0/1 nodes"}]},"metadata":{"uid":"u"}}"#,
        #"{"m\u0065tadata":{"labels":{"app.kubernetes.io\/name":"x"}},"st\u0061tus":{"phase":"Running"}}"#, // escaped keys
    ])
    func sameAsJSONDecoder(json: String) throws {
        let expected = try #require(Self.decoded(json))
        #expect(Self.read(json.utf8) == expected)
    }

    @Test("what it does not handle, or JSONDecoder refuses, is left to JSONDecoder", arguments: [
        #"{"metadata":null}"#,                                             // a required field null
        #"{"status":{}}"#,                                                 // … or missing
        #"{"metadata":{"name":5}}"#,                                       // the wrong type
        #"{"metadata":{"labels":{"a":1}}}"#,
        #"{"metadata":{"generation":"1"}}"#,
        #"{"metadata":{},"status":{"containerStatuses":[{"name":"c","ready":"true"}]}}"#,
        #"{"metadata":{},"metadata":{}}"#,                                 // repeated keys
        #"{"metadata":{"labels":{"a":"1","a":"2"}}}"#,
        #"{"metadata":{},"status":{"containerStatuses":[{"name":"a","name":"b"}]}}"#,
        #"{"metadata":{"generation":1.0}}"#,                               // numbers that are not plain integers
        #"{"metadata":{"generation":1e2}}"#,
        #"{"metadata":{"generation":01}}"#,
        #"{"metadata":{"generation":99999999999999999999}}"#,
        #"{"metadata":{"generation":-}}"#,
        #"{"metadata":{"name":"\ud83d\ude00"}}"#,                          // a surrogate pair
        #"{"metadata":{"name":"\x"}}"#,                                    // a bad escape
        #"{"metadata":{"name":"\u12"}}"#,
        #"{"metadata":{},"status":{"containerStatuses":[{"ready":true}]}}"#, // required fields missing below
        #"{"metadata":{},"status":{"conditions":[{"type":"Ready","status":null}]}}"#,
        #"{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"X","name":"n"}]}}"#,
        #"{"metadata":{},"spec":{"a":[1,2,]}}"#,                           // malformed where nothing is read
        #"{"metadata":{},"spec":{"a" 1}}"#,
        #"{"metadata":{},"spec":{"a":1,}}"#,
        #"{"metadata":{},"spec":{,"a":1}}"#,
        #"{"metadata":{},"spec":[1 2]}"#,
        #"{"metadata":{},"spec":tru}"#,
        #"{"metadata":{},"spec":.5}"#,
        #"{"metadata":{},"spec":1.}"#,
        #"{"metadata":{},"spec":"\q"}"#,
        #"{"metadata":{},"spec":{"k":"v"}"#,                               // truncated
        #"{"metadata":{}} x"#,                                             // trailing bytes
        #"{"metadata":{}}{}"#,
        #"["metadata"]"#,
        "",
    ])
    func refuses(json: String) {
        #expect(Self.read(json.utf8) == nil)
    }

    @Test("control characters, invalid UTF-8 and deep nesting are left to JSONDecoder")
    func refusesBytes() {
        let prefix = Array(#"{"metadata":{"name":""#.utf8), suffix = Array(#""}}"#.utf8)
        for bad: [UInt8] in [[0x09], [0x0A], [0x00], [0xC3], [0xFF], [0xED, 0xA0, 0x80]] {
            #expect(Self.read(prefix + bad + suffix) == nil, "\(bad)")
            #expect(Self.read(Array(#"{"metadata":{},"spec":""#.utf8) + bad + suffix) == nil, "skipped \(bad)")
        }
        #expect(Self.read(prefix + [0xC3, 0xA9] + suffix)?.metadata.name == "é")
        let deep = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        #expect(Self.read(#"{"metadata":{},"spec":\#(deep)}"#.utf8) == nil)
        let deepEnough = String(repeating: "[", count: JSONReader.maximumDepth - 2) + String(repeating: "]", count: JSONReader.maximumDepth - 2)
        #expect(Self.read(#"{"metadata":{},"spec":\#(deepEnough)}"#.utf8) != nil)
    }

    @Test("a large page is read directly; a type without a reader, or a page with one unreadable item, goes to JSONDecoder")
    func pages() throws {
        let body = try ConcurrentListDecodingTests.recordedPodList(count: 8)
        let split = try #require(ListItemSplitter.split(body))
        let read = try #require(KubeClient.readDirectly(PodMetadataAndStatus.self, split.items[...], in: body))
        #expect(read == (try JSONDecoder().decode(KubeList<PodMetadataAndStatus>.self, from: body)).items)
        #expect(KubeClient.readDirectly(Pod.self, split.items[...], in: body) == nil)
        var text = String(decoding: body, as: UTF8.self)
        text = text.replacingOccurrences(of: #""name":"sortie-session-5""#, with: #""name":"sortie-session-5","name":"twice""#)
        let changed = Data(text.utf8)
        let changedSplit = try #require(ListItemSplitter.split(changed))
        #expect(KubeClient.readDirectly(PodMetadataAndStatus.self, changedSplit.items[...], in: changed) == nil)
    }
}

private extension JSONEncoder {
    static func prettyPrinted() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
