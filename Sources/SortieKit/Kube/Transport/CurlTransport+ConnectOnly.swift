import CCurl
import Foundation

extension CurlTransport {
    /// A handle that only connects (`CURLOPT_CONNECT_ONLY`): TCP, then TLS with exactly the trust,
    /// client certificate, proxy and `tls-server-name` handling of every other request. The
    /// caller then speaks HTTP itself with `curl_easy_send`/`curl_easy_recv` (WebSocket upgrades).
    ///
    /// HTTP/1.1 is forced: otherwise TLS ALPN may pick HTTP/2, and the API server answers an
    /// upgrade over HTTP/2 with `400 Upgrade request required`.
    /// See https://curl.se/libcurl/c/CURLOPT_CONNECT_ONLY.html
    static func makeConnectOnlyHandle(url: String, clientCertificate: ClientCertificate?,
                                      configuration: CurlTransportConfiguration) throws -> CurlEasyHandle {
        let (handleURL, connectTo) = applyServerName(configuration.tls.serverName, to: url)
        let handle = try CurlEasyHandle(url: handleURL)
        if let connectTo { try handle.setConnectTo([connectTo]) }
        try handle.set(CURLOPT_CONNECT_ONLY, 1)
        try handle.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.milliseconds))
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        try handle.set(CURLOPT_TCP_NODELAY, 1)
        try applyTLS(configuration.tls, to: handle, clientCertificate: clientCertificate)
        if let proxy = configuration.proxyURL {
            try handle.set(CURLOPT_PROXY, string: proxy)
            // A CONNECT tunnel through the proxy: the WebSocket bytes are ours, not the proxy's.
            try handle.set(CURLOPT_HTTPPROXYTUNNEL, 1)
        }
        return handle
    }
}
