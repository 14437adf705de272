@testable import sortiectl
import Testing

/// kubectl-style tables: columns as wide as their widest cell (in characters) plus three spaces.
@Suite struct TableRendererTests {
    @Test func padsEveryColumnButTheLast() {
        let table = TableRenderer(headers: ["ID", "APP", "STATUS"], rows: [["a1", "xterm", "running"], ["b22222", "café 🖥️", "failed"]])
        #expect(table.render() == """
            ID       APP      STATUS
            a1       xterm    running
            b22222   café 🖥️   failed

            """)
        #expect(table.render(includeHeaders: false).hasPrefix("a1       xterm    running\n"))
    }

    @Test func anEmptyTableIsEmptyWithoutHeaders() {
        #expect(TableRenderer(headers: ["ID"], rows: []).render(includeHeaders: false) == "")
        #expect(TableRenderer(headers: ["ID"], rows: []).render() == "ID\n")
    }
}
