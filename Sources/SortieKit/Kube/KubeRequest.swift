import Foundation

/// One API call, relative to the server: method, path, query, optional JSON body.
public struct KubeRequest: Sendable {
    public typealias Method = TransportRequest.Method

    public var method: Method
    /// An absolute API path, e.g. `/api/v1/namespaces/default/pods`.
    public var path: String
    public var query: [(name: String, value: String)]
    public var body: Data?
    public var contentType: String?
    public var accept: String
    /// `nil` uses the client's request timeout; streams pass `.none`.
    public var timeout: Timeout

    public enum Timeout: Sendable {
        case `default`
        case none
        case after(Duration)
    }

    public init(_ method: Method, _ path: String, query: [(name: String, value: String)] = [], body: Data? = nil,
                contentType: String? = nil, accept: String = "application/json", timeout: Timeout = .default) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType ?? (body == nil ? nil : "application/json")
        self.accept = accept
        self.timeout = timeout
    }

    /// GET and HEAD never change anything; only they are retried after a dropped connection.
    public var isIdempotent: Bool { method == .get || method == .head }

    /// `GET /api/v1/...?...` for messages and logs.
    public var summary: String { "\(method.rawValue) \(path)" }

    /// The path and percent-encoded query.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    private static let queryAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }

    /// Percent-encodes one path segment (an object name).
    public static func segment(_ text: String) -> String { encode(text) }
}

/// Options for list and watch calls (`metav1.ListOptions`).
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var `continue`: String?
    public var resourceVersion: String?
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continue: String? = nil, resourceVersion: String? = nil, timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continue = `continue`
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let token = self.continue { items.append(("continue", token)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// Server-side dry run (`?dryRun=All`): the server validates and admits, but stores nothing.
public enum DryRun: Sendable {
    case none, server
    var queryItems: [(name: String, value: String)] { self == .server ? [("dryRun", "All")] : [] }
}
