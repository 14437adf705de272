import Foundation
@testable import SortieKit

/// Fixed inputs shared by the session tests.
enum SessionFixtures {
    static let sessionID = UUID(uuidString: "85C232E5-5DE7-4413-8A16-D28BD6BA5436")!
    static let userID = "alice@example.com"
    /// 2024-01-15T10:30:00Z
    static let now = Date(timeIntervalSince1970: 1_705_314_600)

    static let xterm = AppDefinition(
        id: "xterm", name: "XTerm", launchType: .container, containerImage: "ghcr.io/rjsadow/sortie-xterm:latest",
        resourceLimits: ResourceLimits(
            cpuRequest: try! Quantity(parsing: "50m"), cpuLimit: try! Quantity(parsing: "500m"),
            memoryRequest: try! Quantity(parsing: "32Mi"), memoryLimit: try! Quantity(parsing: "128Mi")))
    static let vscode = AppDefinition(
        id: "vscode", name: "VS Code", launchType: .container, containerImage: "codercom/code-server:latest")

    static func pod(_ app: AppDefinition = xterm, mode: SessionSettings.SidecarMode = .native) throws -> Pod {
        try PodTemplateBuilder(settings: SessionSettings(namespace: "sortie", sidecarMode: mode))
            .pod(for: app, sessionID: sessionID, userID: userID, now: now)
    }

    /// Sorted-key, pretty JSON: stable across runs, readable in diffs.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// A recorded pod from `Tests/Fixtures/kube-1.36/<name>` (the pod is under `body`).
    static func recordedPod(_ name: String, filePath: String = #filePath) throws -> Pod {
        struct Recording: Decodable { var body: Pod }
        let data = try Data(contentsOf: FixturePath.kube(name, from: filePath))
        return try JSONDecoder().decode(Recording.self, from: data).body
    }
}
