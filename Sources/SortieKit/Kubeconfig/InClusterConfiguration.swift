import Foundation

/// Configuration for a process running in a pod (client-go `rest.InClusterConfig`): the API
/// server from `KUBERNETES_SERVICE_HOST`/`_PORT`, the service-account token (re-read as it
/// rotates), CA and namespace from the mounted service-account directory.
struct InClusterConfiguration {
    var fileSystem: any FileSystem
    var serviceAccountDirectory: String

    func load(host: String, port: String, namespaceOverride: String?) throws -> KubeClientConfiguration {
        let tokenPath = serviceAccountDirectory + "/token"
        let caPath = serviceAccountDirectory + "/ca.crt"
        guard fileSystem.fileExists(atPath: tokenPath) else {
            throw KubeconfigError.inCluster("KUBERNETES_SERVICE_HOST is set but the service-account token \(tokenPath) is missing (automountServiceAccountToken false?)")
        }
        let ca: Data
        do {
            ca = try fileSystem.contents(atPath: caPath)
        } catch {
            throw KubeconfigError.inCluster("cannot read the cluster CA \(caPath): \(error)")
        }
        guard Int(port) != nil else {
            throw KubeconfigError.inCluster("KUBERNETES_SERVICE_PORT=\"\(port)\" is not a port number")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = namespaceOverride
            ?? (try? fileSystem.contents(atPath: serviceAccountDirectory + "/namespace"))
                .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
                .flatMap { $0.isEmpty ? nil : $0 }
            ?? "default"
        return KubeClientConfiguration(
            server: "https://\(hostPart):\(port)",
            tls: .init(certificateAuthorityPEM: ca),
            authentication: .tokenFile(path: tokenPath),
            namespace: namespace,
            origin: "in-cluster service account (\(serviceAccountDirectory))")
    }
}
