import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("API errors decoded from recorded Status bodies")
struct KubeAPIErrorTests {
    @Test(arguments: [
        ("error-404-notfound.json", KubeAPIError.Reason.notFound),
        ("error-409-alreadyexists.json", .alreadyExists),
        ("error-409-conflict-lease.json", .conflict),
        ("error-422-invalid.json", .invalid),
        ("error-401-unauthorized.json", .unauthorized),
        ("error-403-exceeded-quota.json", .forbidden),
        ("error-403-podsecurity.json", .forbidden),
        ("error-400-strict-unknown-field.json", .badRequest),
        ("error-410-gone-list.json", .gone),
    ])
    func decodesReason(file: String, reason: KubeAPIError.Reason) throws {
        let error = KubeAPIError(httpStatus: try Fixtures.status(file), body: try Fixtures.body(file), request: "TEST")
        #expect(error.reason == reason)
        #expect(error.code == (try Fixtures.status(file)))
        #expect(!error.message.isEmpty)
    }

    @Test func quotaRefusalIsRecognised() throws {
        let file = "error-403-exceeded-quota.json"
        let error = KubeAPIError(httpStatus: 403, body: try Fixtures.body(file), request: "POST pods")
        #expect(error.isQuotaExceeded)
        #expect(error.description.contains("exceeded quota"))
        let podSecurity = KubeAPIError(httpStatus: 403, body: try Fixtures.body("error-403-podsecurity.json"), request: "POST pods")
        #expect(!podSecurity.isQuotaExceeded)
    }

    @Test func invalidCarriesFieldCauses() throws {
        let error = KubeAPIError(httpStatus: 422, body: try Fixtures.body("error-422-invalid.json"), request: "POST pods")
        let causes = error.status.details?.causes ?? []
        #expect(causes.count == 1)
        #expect(causes.first?.field == "metadata.name")
    }

    @Test func nonStatusBodyKeepsTheText() {
        let error = KubeAPIError(httpStatus: 502, body: Data("<html>Bad Gateway</html>".utf8), request: "GET /api")
        #expect(error.code == 502)
        #expect(error.message.contains("Bad Gateway"))
        #expect(error.reason == .other("HTTP 502"))
    }
}
