import Foundation
import SortieKit
import SortieKitTesting
import Testing

@Suite("Kubeconfig loading and merging (kubectl's rules)")
struct KubeconfigLoaderTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let caData = Data(caPEM.utf8).base64EncodedString()

    static let devConfig = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://dev.example.com:6443
            certificate-authority-data: \(caData)
        - name: shared
          cluster:
            server: https://from-dev.example.com
        users:
        - name: dev-user
          user:
            token: dev-token
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user, namespace: dev-ns}
        - name: shared-ctx
          context: {cluster: shared, user: dev-user}
        """

    static let prodConfig = """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: shared
          cluster:
            server: https://from-prod.example.com
        - name: prod-cluster
          cluster:
            server: https://prod.example.com
            certificate-authority: certs/ca.crt
            tls-server-name: api.internal
        users:
        - name: prod-user
          user:
            client-certificate: certs/client.crt
            client-key: certs/client.key
        contexts:
        - name: prod
          context: {cluster: prod-cluster, user: prod-user}
        """

    func fileSystem() -> InMemoryFileSystem {
        InMemoryFileSystem([
            "/home/u/.kube/config": Self.devConfig,
            "/etc/prod/config": Self.prodConfig,
            "/etc/prod/certs/ca.crt": Self.caPEM,
            "/etc/prod/certs/client.crt": "CERT",
            "/etc/prod/certs/client.key": "KEY",
        ])
    }

    @Test func homeConfigIsTheDefault() throws {
        let loader = KubeconfigLoader(fileSystem: fileSystem(), environment: ["HOME": "/home/u"])
        let config = try loader.load()
        #expect(config.server == "https://dev.example.com:6443")
        #expect(config.namespace == "dev-ns")
        #expect(config.tls.certificateAuthorityPEM == Data(Self.caPEM.utf8))
        guard case .bearerToken(let token) = config.authentication else { Issue.record("expected a token"); return }
        #expect(token == "dev-token")
    }

    @Test func kubeconfigListMergesFirstDefinitionWins() throws {
        let env = ["HOME": "/home/u", "KUBECONFIG": "/etc/prod/config:/missing/file:/home/u/.kube/config"]
        let loader = KubeconfigLoader(fileSystem: fileSystem(), environment: env)
        // current-context comes from the first file that sets one.
        let prod = try loader.load()
        #expect(prod.server == "https://prod.example.com")
        // A context from the second file resolves; its cluster name "shared" is defined in both
        // files, and the first file's definition wins.
        let shared = try loader.load(.init(context: "shared-ctx"))
        #expect(shared.server == "https://from-prod.example.com")
        #expect(shared.namespace == "default")
    }

    @Test func relativePathsResolveAgainstTheirOwnFile() throws {
        let loader = KubeconfigLoader(fileSystem: fileSystem(), environment: ["KUBECONFIG": "/etc/prod/config"])
        let config = try loader.load()
        #expect(config.tls.certificateAuthorityPEM == Data(Self.caPEM.utf8))
        #expect(config.tls.clientCertificate == ClientCertificate(certificatePEM: Data("CERT".utf8), keyPEM: Data("KEY".utf8)))
        #expect(config.tls.serverName == "api.internal")
    }

    @Test func namespacePrecedence() throws {
        let fs = fileSystem()
        let plain = KubeconfigLoader(fileSystem: fs, environment: ["HOME": "/home/u"])
        #expect(try plain.load().namespace == "dev-ns")
        let env = KubeconfigLoader(fileSystem: fs, environment: ["HOME": "/home/u", "SORTIE_NAMESPACE": "from-env"])
        #expect(try env.load().namespace == "from-env")
        #expect(try env.load(.init(namespace: "from-flag")).namespace == "from-flag")
    }

    @Test func explicitPathMustExist() {
        let loader = KubeconfigLoader(fileSystem: fileSystem(), environment: ["HOME": "/home/u"])
        #expect(throws: KubeconfigError.fileNotReadable(path: "/nope", reason: "does not exist (given with --kubeconfig)")) {
            try loader.load(.init(kubeconfigPath: "/nope"))
        }
    }

    @Test func unknownContextListsTheAvailableOnes() throws {
        let loader = KubeconfigLoader(fileSystem: fileSystem(), environment: ["HOME": "/home/u"])
        let error = try #require(throws: KubeconfigError.self) { try loader.load(.init(context: "staging")) }
        #expect(error.description == "context 'staging' not found in /home/u/.kube/config (available: dev, shared-ctx)")
    }

    @Test func nothingFoundExplainsWhereItLooked() throws {
        let loader = KubeconfigLoader(fileSystem: InMemoryFileSystem(), environment: ["HOME": "/home/u"])
        let error = try #require(throws: KubeconfigError.self) { try loader.load() }
        #expect(error.description.contains("/home/u/.kube/config"))
        #expect(error.description.contains("--kubeconfig"))
    }

    @Test(arguments: [
        ("clusters:\n- name: c\n  cluster: {server: ''}\nusers: []\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
         "cluster \"c\": field server: is missing"),
        ("clusters:\n- name: c\n  cluster: {server: 'ftp://h'}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
         "field server: \"ftp://h\" is not an http(s) URL"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority-data: '!!notbase64'}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
         "field certificate-authority-data: is not valid base64"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority: /no/ca.crt}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
         "field certificate-authority: cannot read /no/ca.crt"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\ncontexts:\n- name: x\n  context: {cluster: missing}\ncurrent-context: x\n",
         "context 'x' refers to cluster 'missing', which is not defined"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\ncontexts:\n- name: x\n  context: {cluster: c, user: ghost}\ncurrent-context: x\n",
         "context 'x' refers to user 'ghost'"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {client-certificate-data: Q0VSVA==}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
         "user \"u\": field client-key: is missing"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
         "field exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {auth-provider: {name: gcp}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
         "the \"gcp\" auth-provider is not supported"),
        ("clusters: [\n", "is not a valid kubeconfig"),
        ("clusters: 7\n", "field clusters: expected"),
        ("clusters:\n- name: c\n  cluster: {server: 'https://h'}\ncontexts:\n- name: x\n  context: {cluster: c}\n",
         "set no current-context"),
    ])
    func brokenConfigsNameFileEntryAndField(yaml: String, expected: String) throws {
        let fs = InMemoryFileSystem(["/k/config": yaml])
        let loader = KubeconfigLoader(fileSystem: fs, environment: [:])
        let error = try #require(throws: KubeconfigError.self) { try loader.load(.init(kubeconfigPath: "/k/config")) }
        #expect(error.description.contains(expected), "\(error.description)")
        #expect(error.description.contains("/k/config"), "\(error.description)")
    }

    @Test func execPluginConfigurationIsCarried() throws {
        let yaml = """
            clusters:
            - name: c
              cluster: {server: 'https://h'}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin.sh
                  args: [--flag]
                  env: [{name: A, value: B}]
                  installHint: install it
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            """
        let loader = KubeconfigLoader(fileSystem: InMemoryFileSystem(["/k/config": yaml]), environment: [:])
        let config = try loader.load(.init(kubeconfigPath: "/k/config"))
        guard case .exec(let exec) = config.authentication else { Issue.record("expected exec"); return }
        #expect(exec.command == "./plugin.sh")
        #expect(exec.args == ["--flag"])
        #expect(exec.env.first?.name == "A")
        #expect(exec.baseDirectory == "/k")
        #expect(exec.installHint == "install it")
    }

    @Test func inClusterConfiguration() throws {
        let fs = InMemoryFileSystem([
            "/sa/token": "tok", "/sa/ca.crt": Self.caPEM, "/sa/namespace": "sortie\n",
        ])
        let loader = KubeconfigLoader(fileSystem: fs, environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                                      serviceAccountDirectory: "/sa")
        let config = try loader.load()
        #expect(config.server == "https://10.0.0.1:443")
        #expect(config.namespace == "sortie")
        guard case .tokenFile(let path) = config.authentication else { Issue.record("expected a token file"); return }
        #expect(path == "/sa/token")
        let v6 = KubeconfigLoader(fileSystem: fs, environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
                                  serviceAccountDirectory: "/sa")
        #expect(try v6.load().server == "https://[fd00::1]:443")
        let missing = KubeconfigLoader(fileSystem: InMemoryFileSystem(), environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "443"],
                                       serviceAccountDirectory: "/sa")
        let error = try #require(throws: KubeconfigError.self) { try missing.load() }
        #expect(error.description.contains("/sa/token"))
    }

    @Test func descriptionsRedactSecrets() throws {
        let yaml = """
            clusters:
            - name: c
              cluster: {server: 'https://h'}
            users:
            - name: u
              user: {username: admin, password: hunter2-secret}
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            """
        let loader = KubeconfigLoader(fileSystem: InMemoryFileSystem(["/k/config": yaml]), environment: [:])
        let config = try loader.load(.init(kubeconfigPath: "/k/config"))
        #expect(!config.description.contains("hunter2-secret"))
        #expect(!"\(config.authentication)".contains("hunter2-secret"))
        var withToken = config
        withToken.authentication = .bearerToken("tok-secret-123")
        #expect(!withToken.description.contains("tok-secret-123"))
    }
}
