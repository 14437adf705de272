import Foundation
import Testing
@testable import SortieKit

@Suite("Session labels and the user-id label encoding")
struct SessionLabelsTests {
    static func hash12(_ text: String) -> String { String(Hex.encode(SHA256.hash(Array(text.utf8))).prefix(12)) }

    @Test("encoding is prefix + '.' + 12 hex chars of SHA-256", arguments: [
        ("alice@example.com", "alice-example.com"),
        ("Bob", "bob"),
        ("user_42", "user_42"),
        ("--weird--", "weird"),
        ("Jürgen Müller", "j-rgen-m-ller"),
        ("a/b\\c", "a-b-c"),
    ])
    func encoding(userID: String, prefix: String) throws {
        let encoded = try SessionLabels.encodeUserID(userID)
        #expect(encoded == "\(prefix).\(Self.hash12(userID))")
        #expect(NameRules.isLabelValue(encoded))
    }

    @Test("the hash alone when nothing readable is left", arguments: ["日本語", "@@@", "-", "🙂", "..."])
    func hashOnly(userID: String) throws {
        let encoded = try SessionLabels.encodeUserID(userID)
        #expect(encoded == Self.hash12(userID))
        #expect(encoded.count == 12)
    }

    @Test("long ids are cut to a 45-character prefix and stay valid and distinct")
    func longIDs() throws {
        let a = String(repeating: "x", count: 299) + "a"
        let b = String(repeating: "x", count: 299) + "b"
        let encodedA = try SessionLabels.encodeUserID(a)
        let encodedB = try SessionLabels.encodeUserID(b)
        #expect(encodedA == String(repeating: "x", count: 45) + "." + Self.hash12(a))
        #expect(encodedA.count == 58)
        #expect(encodedA != encodedB)
        #expect(NameRules.isLabelValue(encodedA))
        // A cut that lands on '-' is trimmed so the prefix still ends with a letter or digit.
        let dashy = String(repeating: "a", count: 44) + "-" + "zzz"
        #expect(try SessionLabels.encodeUserID(dashy) == String(repeating: "a", count: 44) + "." + Self.hash12(dashy))
    }

    @Test("case differences give different labels")
    func caseSensitive() throws {
        #expect(try SessionLabels.encodeUserID("Alice") != SessionLabels.encodeUserID("alice"))
    }

    @Test("empty user ids are refused")
    func empty() {
        #expect(throws: SessionLabelError.emptyUserID) { try SessionLabels.encodeUserID("") }
        #expect(throws: SessionLabelError.emptyUserID) { try SessionLabels.selector(forUser: "") }
    }

    @Test("label values", arguments: [
        ("", true), ("a", true), ("A.b-c_d", true), (String(repeating: "a", count: 63), true),
        (String(repeating: "a", count: 64), false), ("-a", false), ("a.", false), ("a b", false), ("é", false),
    ])
    func labelValues(value: String, valid: Bool) {
        #expect(NameRules.isLabelValue(value) == valid)
    }

    @Test("pod name and selectors")
    func names() throws {
        let id = UUID(uuidString: "85C232E5-5DE7-4413-8A16-D28BD6BA5436")!
        #expect(SessionLabels.podName(for: id) == "sortie-session-85c232e5-5de7-4413-8a16-d28bd6ba5436")
        // Literal values computed independently (Python hashlib).
        #expect(try SessionLabels.encodeUserID("alice@example.com") == "alice-example.com.ff8d9819fc0e")
        #expect(try SessionLabels.encodeUserID("Bob") == "bob.cd9fb1e148cc")
        #expect(SessionLabels.selector == "app.kubernetes.io/managed-by=sortie,app.kubernetes.io/component=session")
        #expect(try SessionLabels.selector(forUser: "Bob")
            == "app.kubernetes.io/managed-by=sortie,app.kubernetes.io/component=session,sortie.io/user-id=bob.\(Self.hash12("Bob"))")
    }
}
