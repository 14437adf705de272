import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Testing

/// Background work and resilience: the reaper under leader election, a restarted server, and a
/// cluster outage.
@Suite("serve: reaper, restart, outage", .serialized, .timeLimit(.minutes(10)))
struct ServerBackgroundTests {
    static func reaperConfiguration(identity: String) -> ServerConfiguration {
        var configuration = ServeFixture.configuration()
        configuration.reaperInterval = .milliseconds(300)
        configuration.leaderElection = .init(identity: identity, leaseDuration: .seconds(10), retryPeriod: .milliseconds(150))
        return configuration
    }

    static func reapedCount(_ metrics: ServerMetrics) -> Int {
        let line = metrics.exposition().split(separator: "\n").first { $0.hasPrefix("sortie_sessions_reaped_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1
    }

    static func waitUntil(_ timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func aLeaderThatDiesWithoutReleasingIsReplacedOnlyAfterTheLeaseDuration() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        let lease = ServerConfiguration.LeaderElectionConfiguration(leaseDuration: .seconds(3), retryPeriod: .milliseconds(200))
        func elector(_ identity: String) -> LeaderElector {
            var configuration = lease
            configuration.identity = identity
            return LeaderElector(client: client, namespace: "default", configuration: configuration, logger: ServeFixture.quiet)
        }
        let a = elector("replica-a"), b = elector("replica-b")
        #expect(await a.tryAcquireOrRenew())
        // A is SIGKILLed right after renewing: it never renews nor releases again.
        let lastRenewal = ContinuousClock.now
        #expect(await b.tryAcquireOrRenew() == false, "B took a lease A had just renewed")
        var tookOver: ContinuousClock.Instant?
        while tookOver == nil, ContinuousClock.now - lastRenewal < .seconds(30) {
            if await b.tryAcquireOrRenew() { tookOver = ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(200))
        }
        let after = try #require(tookOver, "B never took over from a dead leader").self - lastRenewal
        // Never before the lease ran out (B measures it on its own clock from when it last saw
        // the record change), and without hanging afterwards.
        #expect(after >= .seconds(3), "B took over after \(after), before the 3 s lease expired")
        let record = try await client.get(Lease.self, namespace: "default", name: "sortie-reaper")
        #expect(record.spec?.holderIdentity == "replica-b")
        #expect(record.spec?.leaseTransitions == 1)
    }

    @Test func twoReplicasOnlyTheLeaseHolderReapsAndLeadershipPassesOn() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let admin = try sandbox.client()
        // Replica A holds the lease when B starts, so B must stay a follower (a long duration, so
        // a slow start cannot let it expire; A's own renewals then shorten it to 10 s, long enough that a loaded machine does not stall a renewal past it).
        let now = LeaderElector.microTime(Date())
        _ = try await admin.create(Lease(metadata: ObjectMeta(name: "sortie-reaper"),
                                         spec: .init(holderIdentity: "replica-a", leaseDurationSeconds: 60, acquireTime: now, renewTime: now, leaseTransitions: 0)),
                                   namespace: "default")
        let metricsA = ServerMetrics(), metricsB = ServerMetrics()
        try await ServeFixture.withServer(sandbox, configuration: Self.reaperConfiguration(identity: "replica-b"), metrics: metricsB) { b in
            try await ServeFixture.withServer(sandbox, configuration: Self.reaperConfiguration(identity: "replica-a"), metrics: metricsA) { a in
                let crashed = try await a.createSession(#"{"app_id": "crashy", "user_id": "ivy"}"#).object()
                let id = try #require(crashed["id"] as? String)
                // The pod fails, the leader reaps it: it disappears from both replicas.
                let gone = try await Self.waitUntil {
                    let status = try await b.get("/api/sessions/\(id)").status
                    return status == .notFound
                }
                #expect(gone, "the failed session was not reaped")
                #expect(Self.reapedCount(metricsA) == 1)
                #expect(Self.reapedCount(metricsB) == 0, "the follower reaped too")
                let lease = try await admin.get(Lease.self, namespace: "default", name: "sortie-reaper")
                #expect(lease.spec?.holderIdentity == "replica-a")
            }
            // A shut down and released the lease: B takes over and reaps from now on.
            let tookOver = try await Self.waitUntil(.seconds(20)) {
                try await admin.get(Lease.self, namespace: "default", name: "sortie-reaper").spec?.holderIdentity == "replica-b"
            }
            #expect(tookOver)
            let crashed = try await b.createSession(#"{"app_id": "crashy", "user_id": "ivy"}"#).object()
            let id = try #require(crashed["id"] as? String)
            #expect(try await Self.waitUntil { try await b.get("/api/sessions/\(id)").status == .notFound })
            #expect(Self.reapedCount(metricsB) == 1)
            let lease = try await admin.get(Lease.self, namespace: "default", name: "sortie-reaper")
            #expect((lease.spec?.leaseTransitions ?? 0) >= 1)
        }
    }

    @Test func aRestartedServerKnowsEverySessionAtOnce() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let before: [String] = try await ServeFixture.withServer(sandbox) { client in
            var ids: [String] = []
            for user in ["jo", "kim"] {
                let created = try await client.createSession(#"{"app_id": "desk", "user_id": "\#(user)"}"#).object()
                ids.append(try #require(created["id"] as? String))
            }
            for id in ids { _ = try await client.waitForStatus(id, "running") }
            return ids
        }
        try await ServeFixture.withServer(sandbox) { client in
            // The first request after start waits for the first list, not for a later poll.
            let listed = try await client.get("/api/sessions")
            #expect(listed.status == .ok)
            let sessions = try listed.array()
            #expect(sessions.compactMap { $0["id"] as? String }.sorted() == before.sorted())
            #expect(sessions.allSatisfy { $0["status"] as? String == "running" })
            #expect(try await client.get("/readyz").status == .ok)
        }
    }

    @Test func clusterOutageAnswers503AndRecoversWithoutRestart() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let first = try await client.createSession(#"{"app_id": "desk", "user_id": "lee"}"#)
            #expect(first.status == .created)
            // Every API request now fails at the connection level.
            try await sandbox.injectFault(["path": "^/(api|apis|version)", "drop": true, "count": -1])
            let refused = try await client.createSession(#"{"app_id": "desk", "user_id": "lee"}"#)
            #expect(refused.status == .serviceUnavailable, "\(refused.text)")
            #expect(refused.errorCode == "cluster_unavailable")
            #expect(refused.headers[.retryAfter] != nil)
            #expect(try await client.get("/readyz").status == .serviceUnavailable)
            // The open watch still delivers, so reads are served from the cache…
            #expect(try await client.get("/api/sessions").status == .ok)
            // …until the watch breaks and cannot be re-established: then reads are 503 too.
            try await sandbox.control(.post, "/sandbox/restart")
            #expect(try await Self.waitUntil(.seconds(10)) { try await client.get("/api/sessions").status == .serviceUnavailable })

            try await sandbox.control(.delete, "/sandbox/faults")
            #expect(try await Self.waitUntil(.seconds(15)) { try await client.get("/readyz").status == .ok }, "did not recover")
            #expect(try await client.get("/api/sessions").array().count == 1)
            #expect(try await client.createSession(#"{"app_id": "desk", "user_id": "lee"}"#).status == .created)
        }
    }
}
