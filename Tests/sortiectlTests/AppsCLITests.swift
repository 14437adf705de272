import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("sortiectl apps (no cluster needed)")
struct AppsCLITests {
    let env = ["SORTIE_APPS": Sandbox.repositoryRoot + "/examples/apps.json", "USER": "tester"]

    @Test func listShowsEveryApp() async {
        let result = await runCLI(["apps", "list"], environment: env)
        #expect(result.exitCode == 0)
        for id in ["firefox", "vscode", "libreoffice", "xterm"] { #expect(result.stdout.contains(id)) }
        let ids = await runCLI(["apps", "list", "-q"], environment: env)
        #expect(ids.stdout.split(separator: "\n").contains("xterm"))
    }

    @Test func renderPrintsAHardenedPod() async throws {
        let result = await runCLI(["apps", "render", "libreoffice", "-o", "json", "--user", "alice@example.com"], environment: env)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let pod = try JSONDecoder().decode(Pod.self, from: Data(result.stdout.utf8))
        #expect(PodSecurityStandard.violations(of: pod).isEmpty)
        let app = pod.spec?.containers.first { $0.name == "app" }
        #expect(app?.resources?.limits?["memory"] == "4Gi")
        #expect(pod.metadata.annotations?["sortie.io/user-id"] == "alice@example.com")
    }

    @Test func validateReportsLineAndField() async throws {
        let path = NSTemporaryDirectory() + "bad-apps-\(UUID().uuidString).json"
        try """
            {"applications": [
              {"id": "ok", "name": "OK", "launch_type": "container", "container_image": "a/b:1"},
              {"id": "Bad_ID", "name": "x", "launch_type": "container", "container_image": "a/b:1",
               "resource_limits": {"cpu_request": "2Gx"}}
            ]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = await runCLI(["apps", "validate", path], environment: [:])
        #expect(result.exitCode == 7)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.contains("Bad_ID"))
        #expect(result.stderr.contains("2Gx"))
        let good = await runCLI(["apps", "validate", Sandbox.repositoryRoot + "/examples/apps.json"], environment: [:])
        #expect(good.exitCode == 0)
        #expect(good.stdout.contains("valid"))
    }

    @Test func missingCatalogIsAConfigurationError() async {
        let result = await runCLI(["apps", "list", "--apps", "/no/such/apps.json"], environment: [:])
        #expect(result.exitCode == 7)
        #expect(result.stderr.contains("/no/such/apps.json"))
    }
}
