/// Renders rows as a kubectl-style table: upper-case headers, columns padded by three spaces.
struct TableRenderer {
    var headers: [String]
    var rows: [[String]]

    func render(includeHeaders: Bool = true) -> String {
        let all = (includeHeaders ? [headers] : []) + rows
        guard !all.isEmpty else { return "" }
        var widths = Array(repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}

/// kubectl's short ages: `45s`, `12m`, `3h`, `5d`.
func shortAge(since date: Date?, now: Date = Date()) -> String {
    guard let date else { return "<unknown>" }
    let seconds = max(0, Int(now.timeIntervalSince(date)))
    switch seconds {
    case ..<120: return "\(seconds)s"
    case ..<(120 * 60): return "\(seconds / 60)m"
    case ..<(48 * 3600): return "\(seconds / 3600)h"
    default: return "\(seconds / 86400)d"
    }
}

import Foundation
