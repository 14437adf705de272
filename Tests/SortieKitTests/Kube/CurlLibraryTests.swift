import CCurl
import Testing

/// libcurl is opened with dlopen on first use (Sources/CCurl): the reasons it gives when that fails.
@Suite struct CurlLibraryTests {
    @Test func debiansLibcurlHasEveryFunctionThePackageCalls() {
        #expect(sortie_curl_probe_library("libcurl.so.4") == nil)
        #expect(sortie_curl_load_error() == nil)
    }

    @Test func aMissingLibraryIsReportedWithDlopensReason() throws {
        let why = try #require(sortie_curl_probe_library("libsortie-absent.so.9").map { String(cString: $0) })
        #expect(why.contains("libsortie-absent.so.9"))
        #expect(why.contains("No such file") || why.contains("cannot open"))
    }

    @Test func aLibraryWithoutLibcurlsFunctionsNamesTheFirstMissingOne() throws {
        let why = try #require(sortie_curl_probe_library("libm.so.6").map { String(cString: $0) })
        #expect(why == "the library has no curl_global_init")
    }
}
