import Foundation
import Testing
@testable import SortieKit

@Suite("Sessions derived from pods")
struct SessionTests {
    /// Shortly after the recorded pods were created (2026-11-22T03:24:17Z).
    static let recordedNow = RFC3339.date(from: "2026-11-22T03:30:00Z")!

    @Test("recorded Kubernetes 1.36 pods", arguments: [
        ("pod-create.json", SessionStatus.creating, nil as String?, "2026-11-22T03:24:17Z"),
        ("pod-get-ready.json", .running, nil, "2026-11-22T03:24:18Z"),
        ("pod-get-pullfail.json", .failed, "ErrImagePull", "2026-11-22T03:24:17Z"),
        ("pod-delete.json", .terminating, nil, "2026-11-22T03:24:18Z"),
    ])
    func recorded(file: String, status: SessionStatus, reason: String?, updatedAt: String) throws {
        let pod = try SessionFixtures.recordedPod(file)
        let session = try #require(Session(pod: pod, now: Self.recordedNow, timeoutMinutes: 120))
        #expect(session.status == status)
        #expect(session.reason == reason)
        #expect(session.createdAt == RFC3339.date(from: "2026-11-22T03:24:17Z"))
        #expect(RFC3339.string(from: session.updatedAt) == updatedAt)
        #expect(session.podName == pod.metadata.name)
    }

    @Test("the pull failure carries the kubelet's message")
    func pullFailureMessage() throws {
        let pod = try SessionFixtures.recordedPod("pod-get-pullfail.json")
        let session = try #require(Session(pod: pod, now: Self.recordedNow, timeoutMinutes: 120))
        #expect(session.message?.hasPrefix("failed to pull and unpack image \"registry.invalid/sortie/nope:1\"") == true)
        #expect(session.status.isFatal)
        // Unlabelled recorded pods: the id falls back to the pod name without its prefix.
        #expect(session.id == "pullfail")
        let ready = try #require(Session(pod: try SessionFixtures.recordedPod("pod-get-ready.json"),
                                         now: Self.recordedNow, timeoutMinutes: 120))
        #expect(ready.id == "85c232e5-5de7-4413-8a16-d28bd6ba5436")
        #expect(ready.websocketURL == "/ws/sessions/85c232e5-5de7-4413-8a16-d28bd6ba5436")
    }

    @Test("the recorded ready pod expires after the timeout")
    func recordedExpiry() throws {
        let pod = try SessionFixtures.recordedPod("pod-get-ready.json")
        let later = RFC3339.date(from: "2026-11-22T05:24:18Z")!  // 2 h 1 s after creation
        #expect(Session(pod: pod, now: later, timeoutMinutes: 120)?.status == .expired)
        #expect(Session(pod: pod, now: later, timeoutMinutes: 121)?.status == .running)
    }

    /// Builds a status on top of the generated session pod.
    struct PodState: Sendable, CustomTestStringConvertible {
        var name: String
        var phase: String
        var ready = false
        var deleting = false
        var waiting: String? = nil
        var initWaiting: String? = nil
        var unschedulable = false
        var terminatedExit: Int? = nil
        var minutesOld = 1
        var expected: SessionStatus
        var expectedReason: String? = nil
        var testDescription: String { name }
    }

    @Test("status table", arguments: [
        PodState(name: "pending", phase: "Pending", expected: .creating),
        PodState(name: "pending, container creating", phase: "Pending", waiting: "ContainerCreating", expected: .creating),
        PodState(name: "running, not ready", phase: "Running", expected: .creating),
        PodState(name: "running and ready", phase: "Running", ready: true, expected: .running),
        PodState(name: "succeeded", phase: "Succeeded", expected: .stopped),
        PodState(name: "failed with exit code", phase: "Failed", terminatedExit: 1, expected: .failed, expectedReason: "Error"),
        PodState(name: "unknown phase", phase: "Unknown", expected: .failed, expectedReason: "Unknown"),
        PodState(name: "ErrImagePull", phase: "Pending", waiting: "ErrImagePull", expected: .failed, expectedReason: "ErrImagePull"),
        PodState(name: "ImagePullBackOff", phase: "Pending", waiting: "ImagePullBackOff", expected: .failed, expectedReason: "ImagePullBackOff"),
        PodState(name: "CrashLoopBackOff", phase: "Running", waiting: "CrashLoopBackOff", expected: .failed, expectedReason: "CrashLoopBackOff"),
        PodState(name: "InvalidImageName", phase: "Pending", waiting: "InvalidImageName", expected: .failed, expectedReason: "InvalidImageName"),
        PodState(name: "CreateContainerConfigError", phase: "Pending", waiting: "CreateContainerConfigError", expected: .failed, expectedReason: "CreateContainerConfigError"),
        PodState(name: "CreateContainerError", phase: "Pending", waiting: "CreateContainerError", expected: .failed, expectedReason: "CreateContainerError"),
        PodState(name: "sidecar (init container) cannot pull", phase: "Pending", initWaiting: "ImagePullBackOff", expected: .failed, expectedReason: "ImagePullBackOff"),
        PodState(name: "unschedulable", phase: "Pending", unschedulable: true, expected: .failed, expectedReason: "Unschedulable"),
        PodState(name: "deleting wins over ready", phase: "Running", ready: true, deleting: true, expected: .terminating),
        PodState(name: "deleting wins over failed", phase: "Failed", deleting: true, expected: .terminating),
        PodState(name: "old and ready: expired", phase: "Running", ready: true, minutesOld: 121, expected: .expired, expectedReason: "SessionTimeout"),
        PodState(name: "old and pending: expired", phase: "Pending", minutesOld: 500, expected: .expired, expectedReason: "SessionTimeout"),
        PodState(name: "old but failed stays failed", phase: "Pending", waiting: "ErrImagePull", minutesOld: 500, expected: .failed, expectedReason: "ErrImagePull"),
        PodState(name: "exactly at the timeout is not expired", phase: "Running", ready: true, minutesOld: 120, expected: .running),
    ])
    func table(state: PodState) throws {
        var pod = try SessionFixtures.pod()
        let created = SessionFixtures.now
        pod.metadata.creationTimestamp = RFC3339.string(from: created)
        if state.deleting { pod.metadata.deletionTimestamp = RFC3339.string(from: created.addingTimeInterval(60)) }
        var status = PodStatus(phase: state.phase)
        status.conditions = try Self.conditions(ready: state.ready, unschedulable: state.unschedulable)
        if let waiting = state.waiting {
            status.containerStatuses = [try Self.containerStatus("app", #"{"waiting": {"reason": "\#(waiting)", "message": "why"}}"#)]
        }
        if let waiting = state.initWaiting {
            status.initContainerStatuses = [try Self.containerStatus("vnc-sidecar", #"{"waiting": {"reason": "\#(waiting)"}}"#)]
        }
        if let exit = state.terminatedExit {
            status.containerStatuses = [try Self.containerStatus("app", #"{"terminated": {"exitCode": \#(exit), "reason": "Error"}}"#)]
        }
        pod.status = status
        let now = created.addingTimeInterval(TimeInterval(state.minutesOld * 60))
        let session = try #require(Session(pod: pod, now: now, timeoutMinutes: 120))
        #expect(session.status == state.expected)
        #expect(session.reason == state.expectedReason)
        #expect(session.status.isFatal == ![SessionStatus.creating, .running].contains(state.expected))
        if state.expected == .failed { #expect(session.message?.isEmpty == false) }
    }

    @Test("identity comes from the labels and annotations the template wrote")
    func identity() throws {
        let pod = try SessionFixtures.pod()
        let session = try #require(Session(pod: pod, now: SessionFixtures.now, timeoutMinutes: 120))
        #expect(session.id == "85c232e5-5de7-4413-8a16-d28bd6ba5436")
        #expect(session.userID == "alice@example.com")
        #expect(session.appID == "xterm")
        #expect(session.appName == "XTerm")
        #expect(session.podName == "sortie-session-85c232e5-5de7-4413-8a16-d28bd6ba5436")
        // No creationTimestamp before the server sets it: the created-at annotation is used.
        #expect(session.createdAt == SessionFixtures.now)
        #expect(session.updatedAt == SessionFixtures.now)
        #expect(session.status == .creating)
    }

    @Test("pods that are not sessions are skipped", arguments: [
        [:] as [String: String],
        ["app.kubernetes.io/managed-by": "sortie"],
        ["app.kubernetes.io/component": "session"],
        ["app.kubernetes.io/managed-by": "helm", "app.kubernetes.io/component": "session"],
    ])
    func notSessions(labels: [String: String]) throws {
        var pod = try SessionFixtures.pod()
        pod.metadata.labels = labels
        #expect(Session(pod: pod, now: SessionFixtures.now, timeoutMinutes: 120) == nil)
    }

    @Test("JSON has exactly the seed's keys, RFC 3339 dates, and no nil reason/message")
    func json() throws {
        let session = Session(
            id: "abc", userID: "u", appID: "firefox", appName: "Firefox Browser", podName: "sortie-session-abc",
            status: .creating, createdAt: SessionFixtures.now, updatedAt: SessionFixtures.now.addingTimeInterval(0.9))
        let text = try SessionFixtures.json(session)
        #expect(text == """
            {
              "app_id" : "firefox",
              "app_name" : "Firefox Browser",
              "created_at" : "2024-01-15T10:30:00Z",
              "id" : "abc",
              "pod_name" : "sortie-session-abc",
              "status" : "creating",
              "updated_at" : "2024-01-15T10:30:00Z",
              "user_id" : "u",
              "websocket_url" : "/ws/sessions/abc"
            }

            """)
        var failed = session
        failed.status = .failed
        failed.reason = "ImagePullBackOff"
        failed.message = "Back-off pulling image"
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(failed)) as? [String: Any]
        #expect(object?["reason"] as? String == "ImagePullBackOff")
        #expect(object?["message"] as? String == "Back-off pulling image")
        #expect(object?.count == 11)
        let decoded = try JSONDecoder().decode(Session.self, from: JSONEncoder().encode(failed))
        #expect(decoded.reason == failed.reason)
        #expect(decoded.createdAt == SessionFixtures.now)
        #expect(decoded.status == .failed)
    }

    @Test("decoding the seed's example response")
    func decodeSeedExample() throws {
        let json = """
        {"id": "session-uuid", "user_id": "user-id", "app_id": "firefox", "app_name": "Firefox Browser",
         "pod_name": "sortie-session-uuid", "status": "creating", "websocket_url": "/ws/sessions/session-uuid",
         "created_at": "2024-01-15T10:30:00Z", "updated_at": "2024-01-15T10:30:00Z"}
        """
        let session = try JSONDecoder().decode(Session.self, from: Data(json.utf8))
        #expect(session.createdAt == SessionFixtures.now)
        #expect(session.reason == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Session.self, from: Data(json.replacingOccurrences(of: "2024-01-15T10:30:00Z", with: "yesterday").utf8))
        }
    }

    static func conditions(ready: Bool, unschedulable: Bool) throws -> [PodCondition] {
        let json = unschedulable
            ? #"[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/1 nodes are available: 1 Insufficient memory.", "lastTransitionTime": "2024-01-15T10:30:05Z"}]"#
            : #"[{"type": "Ready", "status": "\#(ready ? "True" : "False")", "lastTransitionTime": "2024-01-15T10:30:05Z"}]"#
        return try JSONDecoder().decode([PodCondition].self, from: Data(json.utf8))
    }

    static func containerStatus(_ name: String, _ state: String) throws -> ContainerStatus {
        try JSONDecoder().decode(ContainerStatus.self, from: Data(#"{"name": "\#(name)", "state": \#(state)}"#.utf8))
    }
}
