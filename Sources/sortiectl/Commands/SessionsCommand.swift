import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl sessions`: create, list, get, kill and reap sessions.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Create, list, inspect and end sessions (one pod each).",
        subcommands: [SessionsCreateCommand.self, SessionsListCommand.self, SessionsGetCommand.self,
                      SessionsKillCommand.self, SessionsReapCommand.self],
        defaultSubcommand: SessionsListCommand.self)
}

/// Session output shared by create, list and get.
enum SessionRendering {
    static func render(_ sessions: [Session], format: OutputOptions, console: Console, single: Bool = false) throws {
        if format.quiet || format.output == .name {
            for session in sessions { console.print(format.quiet ? session.id : "session/\(session.id)") }
            return
        }
        switch format.output {
        case .json, .yaml:
            if single, let session = sessions.first {
                try OutputWriter.write(session, format: format.output, console: console)
            } else {
                try OutputWriter.write(SessionList(sessions: sessions), format: format.output, console: console)
            }
        case .table, .wide, .name:
            let wide = format.output == .wide
            var headers = ["ID", "APP", "USER", "STATUS", "AGE"]
            if wide { headers += ["POD", "REASON", "WEBSOCKET"] }
            let colour = Colour(console: console)
            let rows = sessions.map { session -> [String] in
                var row = [session.id, session.appID, session.userID, session.status.rawValue, shortAge(since: session.createdAt)]
                if wide { row += [session.podName, session.reason ?? "", session.websocketURL] }
                return row
            }
            if rows.isEmpty && !format.noHeaders {
                console.diagnostic("No sessions found.")
                return
            }
            var text = TableRenderer(headers: headers, rows: rows).render(includeHeaders: !format.noHeaders)
            if colour.enabled {
                for session in sessions { text = text.replacingOccurrences(of: "   \(session.status.rawValue)   ", with: "   \(colour.paint(session.status))   ") }
            }
            console.write(text)
        }
    }
}

/// `{"sessions": [...]}`: the documented, stable JSON shape of a session list.
struct SessionList: Encodable {
    var sessions: [Session]
}

/// Status colours on a terminal only, and never with NO_COLOR set.
struct Colour {
    let enabled: Bool
    init(console: Console) {
        enabled = console.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
    func paint(_ status: SessionStatus) -> String {
        let code = switch status {
        case .running: "32"
        case .creating: "33"
        case .failed, .expired: "31"
        case .terminating, .stopped: "90"
        }
        return "\u{1B}[\(code)m\(status.rawValue)\u{1B}[0m"
    }
}
