import Foundation
@testable import SortieKit
import Testing

/// The early `continue` token that lets listAll request the next page before decoding this one.
@Suite("list continue token, read before decoding")
struct ListContinueTokenTests {
    @Test("found in the list metadata, compact or spaced", arguments: [
        #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"},"items":[]}"#,
        #"{"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "12", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"}, "items": []}"#,
    ])
    func found(body: String) {
        #expect(ListContinueToken.find(in: Data(body.utf8)) == "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ")
    }

    @Test("nil when there is none, it comes after the items, it is empty or escaped", arguments: [
        #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12"},"items":[]}"#,
        #"{"kind":"PodList","metadata":{},"items":[{"metadata":{"annotations":{"continue":"x"}}}]}"#,
        #"{"kind":"PodList","items":[],"metadata":{"continue":"after-items"}}"#,
        #"{"kind":"PodList","metadata":{"continue":""},"items":[]}"#,
        #"{"kind":"PodList","metadata":{"continue":"a\u0022b"},"items":[]}"#,
        #"{"kind":"PodList","metadata":{"continue":"unterminated"#,
        "",
    ])
    func absent(body: String) {
        #expect(ListContinueToken.find(in: Data(body.utf8)) == nil)
    }

    @Test func onlyTheStartOfALargeBodyIsRead() {
        let items = String(repeating: #"{"metadata":{"name":"p"}},"#, count: 2000)
        let late = #"{"kind":"PodList","items":["# + items + #"{}],"metadata":{"continue":"late"}}"#
        #expect(ListContinueToken.find(in: Data(late.utf8)) == nil)
    }
}
