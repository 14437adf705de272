/// One entry of the application catalog (`apps.json`), validated and with defaults applied.
///
/// Built by ``CatalogLoader``; encodes back to the catalog's snake_case JSON shape.
public struct AppDefinition: Sendable, Equatable, Encodable {
    /// Who may see the app in the launcher.
    public enum Visibility: String, Sendable, Equatable, CaseIterable, Encodable {
        case `public`, approved, `private`
    }

    /// How the app is opened: a link, or a session pod streamed over VNC.
    public enum LaunchType: String, Sendable, Equatable, CaseIterable, Encodable {
        case url, container
    }

    /// DNS-1123 label, unique in the catalog; used in pod labels.
    public var id: String
    /// Human name, never empty.
    public var name: String
    public var description: String
    /// Link opened by `url` apps; empty for container apps.
    public var url: String
    public var icon: String
    public var category: String
    /// Absent in the file means ``Visibility/public``.
    public var visibility: Visibility
    /// Absent in the file means ``LaunchType/url`` when `url` is non-empty.
    public var launchType: LaunchType
    /// The app container's image; required for container apps.
    public var containerImage: String?
    /// The resource settings written in the catalog, each optional (see ``resources`` for defaults applied).
    public var resourceLimits: ResourceLimits?

    /// Creates an app definition. No validation happens here; ``CatalogLoader`` validates files.
    public init(
        id: String, name: String, description: String = "", url: String = "", icon: String = "",
        category: String = "", visibility: Visibility = .public, launchType: LaunchType,
        containerImage: String? = nil, resourceLimits: ResourceLimits? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.url = url
        self.icon = icon
        self.category = category
        self.visibility = visibility
        self.launchType = launchType
        self.containerImage = containerImage
        self.resourceLimits = resourceLimits
    }

    /// The app container's requests and limits, with the catalog defaults filled in.
    public var resources: ResourceLimits.Resolved {
        (resourceLimits ?? ResourceLimits()).resolved
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, description, url, icon, category, visibility
        case launchType = "launch_type"
        case containerImage = "container_image"
        case resourceLimits = "resource_limits"
    }
}
