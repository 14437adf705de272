/// The validated set of applications, in file order, with lookup by id.
public struct AppCatalog: Sendable, Equatable {
    /// The applications in the order the file lists them.
    public let apps: [AppDefinition]

    /// Wraps already-validated apps (``CatalogLoader`` validates files; ids are assumed unique).
    public init(apps: [AppDefinition]) {
        self.apps = apps
    }

    /// Every app id, in file order.
    public var ids: [String] { apps.map(\.id) }

    /// The app with `id`.
    /// - Throws: ``CatalogError/unknownApp(_:available:)`` listing the ids that do exist.
    public func app(id: String) throws(CatalogError) -> AppDefinition {
        guard let app = apps.first(where: { $0.id == id }) else {
            throw .unknownApp(id, available: ids)
        }
        return app
    }

    /// The app with `id`, which must be a container app (only those can start session pods).
    /// - Throws: ``CatalogError/unknownApp(_:available:)``, or ``CatalogError/notSessionCapable(id:url:)``
    ///   for a `url` app.
    public func sessionCapableApp(id: String) throws(CatalogError) -> AppDefinition {
        let app = try app(id: id)
        guard app.launchType == .container else {
            throw .notSessionCapable(id: app.id, url: app.url)
        }
        return app
    }
}
