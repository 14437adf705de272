import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Synchronization
import Testing

/// Who may do what: anonymous, user A, user B and an admin against every endpoint and the
/// WebSocket; header mode's trusted proxies; the token file re-read on change.
@Suite("serve: authentication and authorization", .serialized, .timeLimit(.minutes(10)))
struct ServerAuthTests {
    static func tokenFile(_ lines: String) throws -> String {
        let path = NSTemporaryDirectory() + "sortie-tokens-\(UUID().uuidString.prefix(8)).csv"
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let tokens = """
        # token,user,uid,groups
        tok-alice,alice,1001
        tok-bob,bob,1002,"devs"
        tok-root,root,0,"devs,sortie-admins"
        """

    @Test func authorizationMatrix() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let configuration = ServeFixture.configuration(auth: .token, tokenFile: try Self.tokenFile(Self.tokens))
        try await ServeFixture.withServer(sandbox, configuration: configuration) { client in
            // user_id in the body is ignored: the owner is the caller.
            let a = try await client.createSession(#"{"app_id": "desk", "user_id": "mallory"}"#, token: "tok-alice")
            #expect(a.status == .created)
            let aSession = try a.object()
            #expect(aSession["user_id"] as? String == "alice")
            let aID = try #require(aSession["id"] as? String)
            let aURL = try #require(aSession["websocket_url"] as? String)
            #expect(aURL.hasPrefix("/ws/sessions/\(aID)?token=v1."))
            let b = try await client.createSession(#"{"app_id": "desk"}"#, token: "tok-bob")
            let bID = try #require(try b.object()["id"] as? String)

            // Anonymous: nothing under /api but the document; public endpoints stay open.
            for uri in ["/api/apps", "/api/sessions", "/api/sessions/\(aID)"] {
                let response = try await client.get(uri)
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.errorCode == "unauthorized")
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
            #expect(try await client.createSession(#"{"app_id": "desk"}"#).status == .unauthorized)
            #expect(try await client.delete("/api/sessions/\(aID)").status == .unauthorized)
            #expect(try await client.get("/api/sessions", token: "wrong").status == .unauthorized)
            for uri in ["/healthz", "/metrics", "/api/openapi.json", "/"] {
                #expect(try await client.get(uri).status == .ok, "\(uri)")
            }

            // Users see only their own sessions; others' ids answer 404.
            #expect(try await client.get("/api/apps", token: "tok-alice").status == .ok)
            let alices = try await client.get("/api/sessions", token: "tok-alice").array()
            #expect(alices.map { $0["id"] as? String } == [aID])
            #expect(try await client.get("/api/sessions?user_id=bob", token: "tok-alice").array().isEmpty)
            #expect(try await client.get("/api/sessions/\(aID)", token: "tok-alice").status == .ok)
            let peek = try await client.get("/api/sessions/\(aID)", token: "tok-bob")
            #expect(peek.status == .notFound)
            #expect(peek.errorCode == "not_found")
            #expect(try await client.delete("/api/sessions/\(aID)", token: "tok-bob").status == .notFound)

            // The admin group sees everything and can filter.
            let everything = try await client.get("/api/sessions", token: "tok-root").array()
            #expect(Set(everything.compactMap { $0["id"] as? String }) == [aID, bID])
            #expect(try await client.get("/api/sessions?user_id=bob", token: "tok-root").array().map { $0["id"] as? String } == [bID])
            #expect(try await client.get("/api/sessions/\(aID)", token: "tok-root").status == .ok)

            // The WebSocket path, as plain GETs (an accepted request gets 426: upgrade required).
            _ = try await client.waitForStatus(aID, "running", token: "tok-alice")
            #expect(try await client.get("/ws/sessions/\(aID)").status == .unauthorized)
            #expect(try await client.get("/ws/sessions/\(aID)", token: "tok-bob").status == .notFound)
            #expect(try await client.get("/ws/sessions/\(aID)", token: "tok-alice").status == .upgradeRequired)
            #expect(try await client.get("/ws/sessions/\(aID)", token: "tok-root").status == .upgradeRequired)
            let fresh = try await client.get("/api/sessions/\(aID)", token: "tok-alice").object()["websocket_url"] as! String
            #expect(try await client.get(fresh).status == .upgradeRequired, "the ticket alone admits")
            let ticket = String(fresh.split(separator: "=").last!)
            #expect(try await client.get("/ws/sessions/\(bID)?token=\(ticket)").status == .unauthorized, "a ticket is for one session")
            let forged = "v1.\(Int(Date().timeIntervalSince1970) + 300)." + String(repeating: "0", count: 64)
            #expect(try await client.get("/ws/sessions/\(aID)?token=\(forged)").status == .unauthorized)
            #expect(try await client.get("/ws/sessions/no-such-session?token=\(ticket)").status == .unauthorized)

            // Ending: the owner and the admin.
            #expect(try await client.delete("/api/sessions/\(aID)", token: "tok-alice").status == .ok)
            #expect(try await client.delete("/api/sessions/\(bID)", token: "tok-root").status == .ok)
        }
    }

    @Test func headerModeTrustsOnlyConfiguredProxies() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        var trusted = ServeFixture.configuration(auth: .header)
        trusted.trustedProxies = [CIDR("127.0.0.0/8")!, CIDR("::1")!]
        try await ServeFixture.withServer(sandbox, configuration: trusted) { client in
            var alice = HTTPFields()
            alice[Authenticator.forwardedUser] = "alice@example.com"
            alice[.contentType] = "application/json"
            let created = try await client.execute(uri: "/api/sessions", method: .post, headers: alice, body: ByteBuffer(string: #"{"app_id":"desk"}"#))
            #expect(created.status == .created)
            #expect(try created.object()["user_id"] as? String == "alice@example.com")
            #expect(try await client.get("/api/sessions").status == .unauthorized)
            var admin = HTTPFields()
            admin[Authenticator.forwardedUser] = "ops"
            admin[Authenticator.forwardedGroups] = "staff, sortie-admins"
            let all = try await client.execute(uri: "/api/sessions", method: .get, headers: admin)
            #expect(try all.array().count == 1)
        }
        var untrusted = ServeFixture.configuration(auth: .header)
        untrusted.trustedProxies = [CIDR("10.0.0.0/8")!]
        try await ServeFixture.withServer(sandbox, configuration: untrusted) { client in
            var spoofed = HTTPFields()
            spoofed[Authenticator.forwardedUser] = "alice@example.com"
            let response = try await client.execute(uri: "/api/sessions", method: .get, headers: spoofed)
            #expect(response.status == .unauthorized)
        }
    }

    @Test func tokenFileIsReReadWhenItChanges() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let path = try Self.tokenFile("tok-alice,alice,1\n")
        let configuration = ServeFixture.configuration(auth: .token, tokenFile: path)
        try await ServeFixture.withServer(sandbox, configuration: configuration) { client in
            #expect(try await client.get("/api/apps", token: "tok-new").status == .unauthorized)
            try await Task.sleep(for: .milliseconds(1100))
            try "tok-alice,alice,1\ntok-new,newcomer,2,\"x\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.get("/api/apps", token: "tok-new").status == .ok)
            try "tok-new,newcomer,2\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.get("/api/apps", token: "tok-alice").status == .unauthorized, "revoked")
        }
    }
}

/// Pure pieces of the security code.
@Suite("serve: auth building blocks")
struct ServerAuthUnitTests {
    @Test func cidrMatching() {
        #expect(CIDR("10.0.0.0/8")!.contains("10.1.2.3"))
        #expect(!CIDR("10.0.0.0/8")!.contains("11.0.0.1"))
        #expect(CIDR("127.0.0.1")!.contains("127.0.0.1"))
        #expect(!CIDR("127.0.0.1")!.contains("127.0.0.2"))
        #expect(CIDR("192.168.1.0/24")!.contains("::ffff:192.168.1.7"))
        #expect(CIDR("fd00::/8")!.contains("fd12::1"))
        #expect(!CIDR("fd00::/8")!.contains("fe80::1"))
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("not-an-ip") == nil)
    }

    @Test func staticTokenCSV() {
        let entries = StaticTokenFile.parse("""
            # comment
            t1,alice,1
            t2, bob ,2,"a,b"
            "t,3",carol,3,"x"
            broken
            """)
        #expect(entries == [
            .init(token: "t1", user: "alice", uid: "1", groups: []),
            .init(token: "t2", user: "bob", uid: "2", groups: ["a", "b"]),
            .init(token: "t,3", user: "carol", uid: "3", groups: ["x"]),
        ])
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        let mac = HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func ticketsBindSessionUserAndTime() {
        let clock = Locked(Date(timeIntervalSince1970: 1_000_000))
        let signer = WebSocketTicketSigner(key: Array("k".utf8), lifetime: .seconds(60), now: { clock.withLock { $0 } })
        let ticket = signer.ticket(sessionID: "abc", userID: "alice")
        #expect(signer.verify(ticket, sessionID: "abc", userID: "alice"))
        #expect(!signer.verify(ticket, sessionID: "abd", userID: "alice"))
        #expect(!signer.verify(ticket, sessionID: "abc", userID: "bob"))
        let other = WebSocketTicketSigner(key: Array("other".utf8), lifetime: .seconds(60), now: { clock.withLock { $0 } })
        #expect(!other.verify(ticket, sessionID: "abc", userID: "alice"))
        clock.withLock { $0 = $0.addingTimeInterval(61) }
        #expect(!signer.verify(ticket, sessionID: "abc", userID: "alice"), "expired")
    }
}
