import Hummingbird
@testable import SortieServer
import Testing

/// The small pure pieces behind serve's guards: where a request head ends, and which methods a
/// path answers (for 405 with `Allow`).
@Suite("serve: request guards")
struct ServerGuardsTests {
    @Test("a request head ends at its blank line, also when split across reads", arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", true),
        ("GET / HTTP/1.1\nHost: x\n\n", true),
        ("GET / HTTP/1.1\r\nHost: x\r\n", false),
        ("\u{16}\u{03}\u{01} random bytes, no blank line", false),
        ("", false),
    ])
    func blankLine(text: String, ends: Bool) {
        #expect(RequestHeadDeadline.containsBlankLine(Array(text.utf8)) == ends)
    }

    @Test func allowedMethodsFollowTheRoutes() {
        let table = AllowedMethods()
        table.register([("/api/sessions", .get), ("/api/sessions", .post), ("/api/sessions/{id}", .get),
                        ("/api/sessions/{id}", .delete), ("/novnc/**", .get)])
        #expect(table.methods(forPath: "/api/sessions") == [.get, .head, .post])
        #expect(table.methods(forPath: "/api/sessions/abc") == [.get, .head, .delete])
        #expect(table.methods(forPath: "/novnc/app/ui.js") == [.get, .head])
        #expect(table.methods(forPath: "/api/nothing").isEmpty)
        #expect(table.methods(forPath: "/api/sessions/abc/extra").isEmpty)
    }
}
