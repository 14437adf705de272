import Foundation

/// `metav1.Status`: what the API server returns for errors (and some successful deletes).
public struct KubeStatus: Codable, Sendable, Equatable {
    public var kind: String?
    public var apiVersion: String?
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
    }

    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?
    }

    public init(status: String? = "Failure", message: String?, reason: String?, code: Int?) {
        self.kind = "Status"
        self.apiVersion = "v1"
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }
}

/// The server's `/version` answer.
public struct ServerVersion: Codable, Sendable, Equatable {
    public var major: String?
    public var minor: String?
    public var gitVersion: String
    public var gitCommit: String?
    public var platform: String?
    public var goVersion: String?
    public var buildDate: String?
}
