import Foundation

/// Responses recorded from a real Kubernetes v1.36 API server (`Tests/Fixtures/kube-1.36`).
public enum Fixtures {
    public static let directory = Sandbox.repositoryRoot + "/Tests/Fixtures/kube-1.36"

    /// The raw file.
    public static func file(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }

    /// The recorded response body of an exchange file, re-serialized as JSON.
    public static func body(_ name: String) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: file(name)) as! [String: Any]
        return try JSONSerialization.data(withJSONObject: object["body"]!)
    }

    /// The recorded HTTP status of an exchange file.
    public static func status(_ name: String) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: file(name)) as! [String: Any]
        return object["status"] as! Int
    }
}
