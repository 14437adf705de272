/// A catalog that loaded, with the warnings found on the way (unknown fields, an empty list).
public struct LoadedCatalog: Sendable, Equatable {
    public var catalog: AppCatalog
    /// Problems that did not stop loading, each with file, line and app.
    public var warnings: [CatalogIssue]

    public init(catalog: AppCatalog, warnings: [CatalogIssue]) {
        self.catalog = catalog
        self.warnings = warnings
    }
}
