import ArgumentParser
import Foundation
import SortieKit
import SortieServer
import Synchronization

/// `sortiectl connect --server URL --token T SESSION`: the same local VNC port as `connect`,
/// carried over `sortiectl serve`'s `/ws/sessions/{id}` WebSocket instead of the API server's
/// port-forward, for users without Kubernetes credentials. The session is looked up (and waited
/// for) through serve's REST API with the same token.
struct ConnectThroughServer {
    let command: ConnectCommand
    let server: String
    let token: String?

    /// Checks the flags that only make sense with a cluster.
    static func validate(_ command: ConnectCommand) throws {
        if command.web { throw ValidationError("--web is not available with --server (open the server's web page instead)") }
        guard let server = command.server, let url = URL(string: server), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--server must be an http:// or https:// URL, e.g. https://sortie.example.com")
        }
    }

    func run(_ context: CommandContext) async throws {
        let console = context.console
        guard let base = URL(string: server) else { throw ValidationError("--server must be a URL") }
        let client = SortieServerClient(baseURL: base, token: token)
        var session = try await client.session(matching: command.session)
        guard let id = session["id"] as? String else { throw ConnectCommandError(message: "the server's answer has no session id", exitCode: .failure) }
        let appName = session["app_name"] as? String ?? ""
        // Wait for it to run, as `connect` does.
        let limit = try command.timeout.map { try parseDuration($0, flag: "--timeout") } ?? .seconds(120)
        let deadline = ContinuousClock.now + limit
        var announcedWait = false
        while true {
            let status = session["status"] as? String ?? ""
            if status == "running" || status == "expired" { break }
            if status != "creating" {
                throw TunnelError.sessionNotRunning(id: id, status: status, reason: session["message"] as? String)
            }
            if !announcedWait {
                console.diagnostic("Waiting for session \(id) (\(appName)) to start…")
                announcedWait = true
            }
            if ContinuousClock.now >= deadline { throw TunnelError.timedOut("waiting for session \(id) to be running") }
            try await Task.sleep(for: .milliseconds(500))
            session = try await client.session(matching: id)
        }

        let tunnel = ServerSessionTunnel(client: client, sessionID: id, logger: context.logger)
        let vnc = try LocalListener(address: command.address, port: UInt16(command.port))
        let smokeTest = command.probe || command.screenshot != nil
        let announce: (String) -> Void = { line in
            if smokeTest { console.diagnostic(line) } else { console.print(line) }
        }
        announce("Forwarding \(vnc.endpoint) -> session \(id) (\(appName)) VNC via \(server)")

        let failure = LastFailure()
        let verbose = command.cluster.verbose > 0
        let report: @Sendable (PortForwardTunnel.Event) -> Void = { event in
            switch event {
            case .failed(let connection, _, let error):
                failure.record(error)
                console.diagnostic("error: connection \(connection) through \(client.baseURL): \(error)")
            case .opened(let connection, _):
                if verbose { console.diagnostic("connection \(connection) opened") }
            case .closed(let connection, _, let summary):
                if verbose { console.diagnostic("connection \(connection) closed (\(summary.bytesToPod) bytes sent, \(summary.bytesFromPod) received)") }
            }
        }
        let host = ConnectCommand.dialableHost(command.address)
        let localPort = vnc.port
        let (probe, screenshot, exec) = (command.probe, command.screenshot, command.exec)
        let stopped: Bool = try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await tunnel.serve(vnc, onEvent: report)
                return nil
            }
            group.addTask {
                // The session ends (deleted, failed): so does the command.
                while true {
                    try await Task.sleep(for: .seconds(3))
                    let current: [String: any Sendable]
                    do {
                        current = try await client.session(matching: id)
                    } catch let error as SortieServerClient.ServerError where error.status == 404 {
                        throw TunnelError.sessionEnded(id: id, reason: "it was deleted")
                    } catch {
                        continue  // the server is unreachable for a moment: streams may well survive
                    }
                    let status = current["status"] as? String ?? ""
                    if ["failed", "stopped", "terminating"].contains(status) {
                        throw TunnelError.sessionEnded(id: id, reason: "it is now \(status)")
                    }
                }
            }
            group.addTask {
                guard await ConnectCommand.nextTerminationSignal() != nil else { return nil }
                return true
            }
            if probe {
                group.addTask {
                    do {
                        try await ConnectCommand.probe(host: host, port: localPort, console: console)
                        return false
                    } catch { throw failure.prefer(over: error) }
                }
            } else if let screenshot {
                group.addTask {
                    do {
                        try await ConnectCommand.screenshot(host: host, port: localPort, to: screenshot, console: console)
                        return false
                    } catch { throw failure.prefer(over: error) }
                }
            } else if let exec {
                let line = exec.replacingOccurrences(of: "{port}", with: String(localPort))
                group.addTask {
                    let status = try await ConnectCommand.runViewer(line, environment: context.environment)
                    if status != 0 { throw ExitCode(status) }
                    return false
                }
            }
            while let next = try await group.next() {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            return false
        }
        if stopped { console.diagnostic("Closing the tunnel to session \(id).") }
    }
}

/// The latest WebSocket failure, so a failed probe says why (401, 404, the pod unreachable)
/// rather than "the VNC server closed the connection".
private final class LastFailure: Sendable {
    private let last = Locked<(any Error)?>(nil)
    func record(_ error: any Error) { last.withLock { $0 = error } }
    func prefer(over error: any Error) -> any Error {
        guard case .rfb = error as? TunnelError else { return error }
        return last.withLock { $0 } ?? error
    }
}

extension SortieServerClient.ServerError: PresentableError {
    var presentation: (message: String, exitCode: ExitStatus) {
        (description, status == 0 ? .unreachable : .failure)
    }
}
