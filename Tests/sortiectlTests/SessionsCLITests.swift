import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("sortiectl sessions, pods, quota against the sandbox", .serialized, .timeLimit(.minutes(10)))
struct SessionsCLITests {
    @Test func createWaitListGetKillAsAScriptWould() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.3)
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)

        let created = await runCLI(["sessions", "create", "xterm", "--wait", "-q", "--user", "alice@example.com"], environment: env)
        #expect(created.exitCode == 0, "\(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: id) != nil, "stdout was \(created.stdout)")

        let json = await runCLI(["sessions", "get", String(id.prefix(8)), "-o", "json"], environment: env)
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == id)
        #expect(object["status"] as? String == "running")
        #expect(object["user_id"] as? String == "alice@example.com")
        #expect(object["app_name"] as? String == "XTerm")
        #expect(object["websocket_url"] as? String == "/ws/sessions/\(id)")

        let table = await runCLI(["sessions", "list"], environment: env)
        #expect(table.stdout.hasPrefix("ID"))
        #expect(table.stdout.contains(id))
        #expect(table.stdout.contains("running"))

        let listed = await runCLI(["sessions", "list", "--user", "alice@example.com", "-o", "json"], environment: env)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect((list["sessions"] as? [[String: Any]])?.count == 1)
        let nobody = await runCLI(["sessions", "list", "--user", "bob", "-q"], environment: env)
        #expect(nobody.stdout.isEmpty)

        let pods = await runCLI(["pods", "list", "-o", "wide"], environment: env)
        #expect(pods.stdout.contains("sortie-session-\(id)"))
        #expect(pods.stdout.contains("2/2") || pods.stdout.contains("1/1"))

        let killed = await runCLI(["sessions", "kill", id, "--now"], environment: env)
        #expect(killed.exitCode == 0)
        #expect(killed.stdout.contains("session \(id) ended"))
        let again = await runCLI(["sessions", "kill", id], environment: env)
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains("not found"))
        let ignored = await runCLI(["sessions", "kill", id, "--ignore-not-found"], environment: env)
        #expect(ignored.exitCode == 0)
    }

    @Test func failuresHaveDocumentedExitCodes() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)

        let unknown = await runCLI(["sessions", "create", "nope"], environment: env)
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("nope"))
        #expect(unknown.stderr.contains("xterm"))

        let url = await runCLI(["sessions", "create", "sortie-docs"], environment: env)
        #expect(url.exitCode == 64)
        #expect(url.stderr.contains("url app"))

        let missing = await runCLI(["sessions", "get", "0000"], environment: env)
        #expect(missing.exitCode == 2)

        let quota = await runCLI(["quota", "set", "--pods", "0"], environment: env)
        #expect(quota.exitCode == 0, "\(quota.stderr)")
        let refused = await runCLI(["sessions", "create", "xterm"], environment: env)
        #expect(refused.exitCode == 5)
        #expect(refused.stderr.contains("exceeded quota"))

        let usage = await runCLI(["sessions", "kill"], environment: env)
        #expect(usage.exitCode == 64)
        #expect(usage.stderr.contains("give at least one session id, or --all"))

        let badTimeout = await runCLI(["sessions", "create", "xterm", "--wait", "--timeout", "soon"], environment: env)
        #expect(badTimeout.exitCode == 64)
    }

    @Test func waitReportsImagePullFailureAndTimeout() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let catalog = sandbox.directory + "/apps.json"
        try #"{"applications":[{"id":"broken","name":"Broken","launch_type":"container","container_image":"example/pullfail:1"},{"id":"slow","name":"Slow","launch_type":"container","container_image":"example/never-ready:1"}]}"#
            .write(toFile: catalog, atomically: true, encoding: .utf8)
        let env = sandboxEnvironment(sandbox, ["SORTIE_APPS": catalog])

        let pull = await runCLI(["sessions", "create", "broken", "--wait"], environment: env)
        #expect(pull.exitCode == 1)
        #expect(pull.stderr.contains("ErrImagePull") || pull.stderr.contains("ImagePullBackOff"), "\(pull.stderr)")

        let slow = await runCLI(["sessions", "create", "slow", "--wait", "--timeout", "1s"], environment: env)
        #expect(slow.exitCode == 3, "\(slow.stderr)")
        #expect(slow.stderr.contains("not ready within 1s"))
        let left = await runCLI(["pods", "list", "-q"], environment: env)
        #expect(left.stdout.isEmpty, "pods left: \(left.stdout)")
    }

    @Test func createCountAndDryRuns() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)
        let many = await runCLI(["sessions", "create", "xterm", "--count", "5", "-o", "json"], environment: env)
        #expect(many.exitCode == 0, "\(many.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as? [String: Any])
        #expect((object["sessions"] as? [Any])?.count == 5)

        let client = await runCLI(["sessions", "create", "xterm", "--dry-run=client", "-o", "json"], environment: env)
        #expect(client.exitCode == 0, "\(client.stderr)")
        #expect(client.stdout.contains("\"vnc-sidecar\""))
        let tooMany = await runCLI(["sessions", "create", "xterm", "--count", "2"], environment: env)
        #expect(tooMany.exitCode == 5, "\(tooMany.stderr)")
        #expect(tooMany.stderr.contains("SORTIE_MAX_SESSIONS_PER_USER"))
        let server = await runCLI(["sessions", "create", "xterm", "--dry-run=server", "-q", "--user", "other"], environment: env)
        #expect(server.exitCode == 0, "\(server.stderr)")
        let count = await runCLI(["sessions", "list", "-q"], environment: env)
        #expect(count.stdout.split(separator: "\n").count == 5)
    }

    @Test func quotaShowAndReap() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)
        _ = await runCLI(["quota", "set", "--pods", "10", "--cpu", "6", "--memory", "8Gi"], environment: env)
        _ = await runCLI(["sessions", "create", "xterm", "--user", "u1"], environment: env)
        let shown = await runCLI(["quota"], environment: env)
        #expect(shown.exitCode == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("ResourceQuota sortie-quota"))
        #expect(shown.stdout.contains("u1: 1"))
        let json = await runCLI(["quota", "show", "-o", "json"], environment: env)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["active_sessions"] as? Int == 1)
        let badQuantity = await runCLI(["quota", "set", "--cpu", "2Gx"], environment: env)
        #expect(badQuantity.exitCode == 64)

        let reap = await runCLI(["sessions", "reap", "--dry-run"], environment: env)
        #expect(reap.exitCode == 0)
        let expired = await runCLI(["sessions", "reap", "--dry-run"], environment: env.merging(["SESSION_TIMEOUT": "abc"]) { _, n in n })
        #expect(expired.exitCode != 0)
        #expect(expired.stderr.contains("SESSION_TIMEOUT"))
    }

    @Test func unreachableClusterAndBrokenKubeconfig() async throws {
        let dir = NSTemporaryDirectory() + "sortie-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]
            contexts: [{name: c, context: {cluster: c}}]
            """
        try config.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let unreachable = await runCLI(["sessions", "list"], environment: ["KUBECONFIG": dir + "/config"])
        #expect(unreachable.exitCode == 6)
        #expect(unreachable.stderr.contains("http://127.0.0.1:9"))

        try "clusters: [".write(toFile: dir + "/broken", atomically: true, encoding: .utf8)
        let broken = await runCLI(["sessions", "list", "--kubeconfig", dir + "/broken"], environment: [:])
        #expect(broken.exitCode == 7)
        #expect(broken.stderr.contains(dir + "/broken"))

        let context = await runCLI(["pods", "--context", "prod"], environment: ["KUBECONFIG": dir + "/config"])
        #expect(context.exitCode == 7)
        #expect(context.stderr.contains("context 'prod' not found"))
    }
}
