import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("sortiectl pods against the sandbox", .serialized, .timeLimit(.minutes(10)))
struct PodsCLITests {
    @Test func describeAndLogsAcceptSessionIDs() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)
        let created = await runCLI(["sessions", "create", "xterm", "--wait", "-q"], environment: env)
        #expect(created.exitCode == 0, "\(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let described = await runCLI(["pods", "describe", String(id.prefix(6))], environment: env)
        #expect(described.exitCode == 0, "\(described.stderr)")
        #expect(described.stdout.contains("Name:           sortie-session-\(id)"))
        #expect(described.stdout.contains("vnc-sidecar:"))
        #expect(described.stdout.contains("State:          Running"))
        #expect(described.stdout.contains("Scheduled"))
        #expect(described.stdout.contains("Started"))

        let logs = await runCLI(["pods", "logs", id, "-c", "app"], environment: env)
        #expect(logs.exitCode == 0, "\(logs.stderr)")
        #expect(!logs.stdout.isEmpty)

        let missing = await runCLI(["pods", "describe", "no-such-pod"], environment: env)
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("no-such-pod"))
    }

    @Test func imagePullFailureShowsInDescribe() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let client = try sandbox.client()
        var container = Container(name: "app", image: "example/pullfail:1")
        container.command = ["sleep", "1"]
        _ = try await client.create(Pod(metadata: ObjectMeta(name: "broken"), spec: PodSpec(containers: [container])), namespace: "default")
        try await Task.sleep(for: .seconds(1))
        let described = await runCLI(["pods", "describe", "broken"], environment: sandboxEnvironment(sandbox))
        #expect(described.exitCode == 0, "\(described.stderr)")
        #expect(described.stdout.contains("ErrImagePull") || described.stdout.contains("ImagePullBackOff"))
        #expect(described.stdout.contains("Failed") || described.stdout.contains("BackOff"))
    }
}
