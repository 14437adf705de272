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
        // One string, padded by hand: Foundation's padding(toLength:) bridges every cell.
        var table = ""
        table.reserveCapacity(all.count * (widths.reduce(0, +) + 3 * widths.count + 1))
        for row in all {
            for (index, cell) in row.enumerated() {
                table += cell
                if index < row.count - 1 {
                    table += String(repeating: " ", count: max(0, widths[min(index, widths.count - 1)] + 3 - cell.count))
                }
            }
            table += "\n"
        }
        return table
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
