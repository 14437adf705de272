import CCurl
import Foundation

/// Owns one libcurl easy handle (`CURL *`) and the memory its options point at.
///
/// Not `Sendable`: a handle is configured on one task, then handed to the `CurlMultiLoop` thread,
/// which is the only code that touches it from then on (libcurl's own threading rule).
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    let url: String

    init(url: String) throws {
        guard let handle = sortie_curl_easy_init() else {
            let why = sortie_curl_load_error().map { "libcurl could not be loaded (\(String(cString: $0))); install libcurl4" }
            throw CurlError(code: Int(CURLE_FAILED_INIT.rawValue), message: why ?? "curl_easy_init failed", url: url)
        }
        raw = handle
        self.url = url
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_URL, string: url)
        // Signals are not safe in a multithreaded process; resolver timeouts then rely on the
        // threaded resolver Debian's libcurl is built with.
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        sortie_curl_easy_cleanup(raw)
        if let headerList { sortie_curl_slist_free_all(headerList) }
        if let connectToList { sortie_curl_slist_free_all(connectToList) }
        errorBuffer.deallocate()
    }

    /// The text libcurl left in the error buffer for the last failure.
    var errorText: String { String(cString: errorBuffer) }

    func error(_ code: CURLcode) -> CurlError { CurlError(code, errorBuffer: errorText, url: url) }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else { throw error(code) }
    }

    // One setter per option type; see https://curl.se/libcurl/c/curl_easy_setopt.html
    func set(_ option: CURLoption, _ value: Int) throws {
        try check(sortie_easy_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, string: String?) throws {
        // libcurl copies string options (since 7.17.0), so a temporary C string is fine.
        if let string {
            try check(string.withCString { sortie_easy_setopt_string(raw, option, $0) })
        } else {
            try check(sortie_easy_setopt_string(raw, option, nil))
        }
    }

    func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws {
        try check(sortie_easy_setopt_ptr(raw, option, pointer))
    }

    /// Sets an in-memory blob option (`CURLOPT_CAINFO_BLOB`, `CURLOPT_SSLCERT_BLOB`,
    /// `CURLOPT_SSLKEY_BLOB`); libcurl copies the bytes, so keys never touch the disk.
    func set(_ option: CURLoption, blob: Data) throws {
        try blob.withUnsafeBytes { buffer in
            try check(sortie_easy_setopt_blob(raw, option, buffer.baseAddress, buffer.count))
        }
    }

    /// Sets the request body; libcurl copies it (`CURLOPT_COPYPOSTFIELDS`).
    func setBody(_ body: Data) throws {
        try check(sortie_easy_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        try body.withUnsafeBytes { buffer in
            try check(sortie_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)))
        }
    }

    /// Replaces the request headers; the list stays alive as long as the handle.
    func setHeaders(_ headers: [(name: String, value: String)]) throws {
        if let headerList { sortie_curl_slist_free_all(headerList) }
        headerList = nil
        for (name, value) in headers {
            headerList = sortie_curl_slist_append(headerList, "\(name): \(value)")
        }
        try check(sortie_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, headerList))
    }

    /// `CURLOPT_CONNECT_TO`: connect to another host:port than the URL names (used for
    /// kubeconfig's `tls-server-name`, so SNI and verification use that name).
    func setConnectTo(_ entries: [String]) throws {
        for entry in entries { connectToList = sortie_curl_slist_append(connectToList, entry) }
        try check(sortie_easy_setopt_slist(raw, CURLOPT_CONNECT_TO, connectToList))
    }

    func setWriteCallback(_ callback: sortie_curl_data_cb, context: UnsafeMutableRawPointer) throws {
        try check(sortie_easy_setopt_data_cb(raw, CURLOPT_WRITEFUNCTION, callback))
        try set(CURLOPT_WRITEDATA, pointer: context)
    }

    func setHeaderCallback(_ callback: sortie_curl_data_cb, context: UnsafeMutableRawPointer) throws {
        try check(sortie_easy_setopt_data_cb(raw, CURLOPT_HEADERFUNCTION, callback))
        try set(CURLOPT_HEADERDATA, pointer: context)
    }

    var responseCode: Int {
        var code = 0
        _ = sortie_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}
