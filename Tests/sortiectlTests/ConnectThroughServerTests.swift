import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SortieKit
import SortieKitTesting
import Testing

/// `sortiectl connect --server URL --token T`: the local VNC port carried over `sortiectl serve`'s
/// WebSocket, end to end with real programs — the built `sortiectl serve` (port-forward upstream)
/// in front of the sandbox, whose session pods forward 6080 to a real websockify + x11vnc + Xvfb
/// showing an xterm; the `connect` process gets no Kubernetes configuration at all.
@Suite("sortiectl connect --server", .serialized, .timeLimit(.minutes(10)))
struct ConnectThroughServerTests {
    @Test(.disabled(if: !VNCStack.isAvailable, "Xvfb, x11vnc, websockify or xterm is not installed (scripts/install-deps.sh installs them)"))
    func probeAndScreenshotThroughServe() async throws {
        let stack = try VNCStack.start()
        defer { stack.stop() }
        let sandbox = try Sandbox.start(readyDelay: 0.2, arguments: ["--forward", "5900=127.0.0.1:\(stack.vncPort)",
                                                                     "--forward", "6080=127.0.0.1:\(stack.websockifyPort)"])
        defer { sandbox.stop() }
        let tokens = stack.directory + "/tokens.csv"
        try "tok-alice,alice,1\ntok-bob,bob,2\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        let port = try VNCStack.freePort()
        let serve = try CLIProcess.start(["serve", "--auth", "token", "--token-file", tokens, "--address", "127.0.0.1",
                                          "--port", String(port), "--upstream", "port-forward"],
                                         environment: sandboxEnvironment(sandbox, ["SORTIE_NAMESPACE": "default"]))
        defer { serve.terminate() }
        try VNCStack.waitUntil(seconds: 20, "sortiectl serve on \(port)") { VNCStack.canConnect(port) }
        let server = "http://127.0.0.1:\(port)"

        // Alice starts an xterm through the API and waits for it.
        let id = try await Self.createSession(server: server, token: "tok-alice", app: "xterm")
        // No KUBECONFIG: only the server and the token.
        let environment = ["HOME": NSTemporaryDirectory(), "USER": "alice", "KUBECONFIG": "/nonexistent"]

        let probe = try CLIProcess.run(["connect", "--server", server, "--token", "tok-alice", id, "--port", "0", "--probe"],
                                       environment: environment)
        #expect(probe.status == 0, "\(probe.stderr)\n\(serve.stderr)")
        #expect(probe.stdout.contains("VNC server: RFB 003.008"), "\(probe.stdout)")
        #expect(probe.stderr.contains("-> session \(id) (XTerm) VNC via \(server)"), "\(probe.stderr)")

        // A screenshot through the same path shows the xterm (white) on the black root window.
        let shot = stack.directory + "/through-serve.png"
        let capture = try CLIProcess.run(["connect", "--server", server, id, "--port", "0", "--screenshot", shot],
                                         environment: environment.merging(["SORTIE_TOKEN": "tok-alice"]) { _, new in new })
        #expect(capture.status == 0, "\(capture.stderr)")
        let picture = try PNGCheck.describe(shot)
        #expect(picture.width == 1024 && picture.height == 768)
        #expect(picture.whitePixels > 100_000, "xterm window visible: \(picture)")

        // Bob may not reach Alice's session (404, ids don't leak); a bad token is a 401.
        let bob = try CLIProcess.run(["connect", "--server", server, "--token", "tok-bob", id, "--port", "0", "--probe"], environment: environment)
        #expect(bob.status != 0)
        #expect(bob.stderr.contains("404"), "\(bob.stderr)")
        let nobody = try CLIProcess.run(["connect", "--server", server, "--token", "wrong", id, "--port", "0", "--probe"], environment: environment)
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("401"), "\(nobody.stderr)")
    }

    /// POST /api/sessions, then polls until running; returns the id.
    static func createSession(server: String, token: String, app: String) async throws -> String {
        var request = URLRequest(url: URL(string: server + "/api/sessions")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"app_id": "\#(app)"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201, "\(String(decoding: data, as: UTF8.self))")
        let created = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let id = try #require(created["id"] as? String)
        for _ in 0..<100 {
            var get = URLRequest(url: URL(string: server + "/api/sessions/\(id)")!)
            get.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (body, _) = try await URLSession.shared.data(for: get)
            if (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["status"] as? String == "running" { return id }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("session \(id) did not become running")
        return id
    }
}
