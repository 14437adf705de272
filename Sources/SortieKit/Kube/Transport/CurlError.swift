import CCurl
import Foundation

/// A libcurl failure: the `CURLcode`, curl's own error text, and the URL it concerned.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var url: String

    public init(code: Int, message: String, url: String) {
        self.code = code
        self.message = message
        self.url = url
    }

    init(_ code: CURLcode, errorBuffer: String, url: String) {
        let text = errorBuffer.isEmpty ? String(cString: sortie_curl_easy_strerror(code)) : errorBuffer
        self.init(code: Int(code.rawValue), message: text, url: url)
    }

    /// The server could not be reached at all (resolve/connect failures): nothing was sent.
    public var isConnectFailure: Bool {
        [Int(CURLE_COULDNT_RESOLVE_HOST.rawValue), Int(CURLE_COULDNT_CONNECT.rawValue),
         Int(CURLE_COULDNT_RESOLVE_PROXY.rawValue)].contains(code)
    }

    /// The connection broke after the request may have reached the server.
    public var isConnectionDropped: Bool {
        [Int(CURLE_GOT_NOTHING.rawValue), Int(CURLE_RECV_ERROR.rawValue), Int(CURLE_SEND_ERROR.rawValue),
         Int(CURLE_PARTIAL_FILE.rawValue), Int(CURLE_HTTP2.rawValue), Int(CURLE_HTTP2_STREAM.rawValue)].contains(code)
    }

    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// A TLS failure: handshake, certificate verification, or a bad client certificate/key.
    public var isTLSFailure: Bool {
        [Int(CURLE_SSL_CONNECT_ERROR.rawValue), Int(CURLE_PEER_FAILED_VERIFICATION.rawValue),
         Int(CURLE_SSL_CERTPROBLEM.rawValue), Int(CURLE_SSL_CIPHER.rawValue),
         Int(CURLE_SSL_CACERT_BADFILE.rawValue), Int(CURLE_SSL_ISSUER_ERROR.rawValue),
         Int(CURLE_SSL_PINNEDPUBKEYNOTMATCH.rawValue), Int(CURLE_SSL_INVALIDCERTSTATUS.rawValue),
         Int(CURLE_SSL_ENGINE_INITFAILED.rawValue)].contains(code)
    }

    public var description: String { "\(message) (curl error \(code), \(url))" }
}
