import Foundation
import SortieKit
import Hummingbird

/// `/`: the launcher page; `/novnc/...`: noVNC's files from ``ServerConfiguration/noVNCDirectory``.
struct WebPageController {
    let state: ServerState

    func addRoutes(to router: Router<SortieRequestContext>) {
        router.get("/") { _, _ in
            Response.text(WebPage.html, contentType: "text/html; charset=utf-8")
        }
        router.get("novnc/**") { request, context -> Response in
            let relative = context.parameters.getCatchAll().joined(separator: "/")
            guard !relative.split(separator: "/").contains(where: { $0 == ".." || $0.hasPrefix(".") }) else {
                throw APIError.notFound("no such file")
            }
            let path = state.configuration.noVNCDirectory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else { throw APIError.notFound("no such file") }
            return Response(status: .ok, headers: [.contentType: WebPage.contentType(for: path)],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
