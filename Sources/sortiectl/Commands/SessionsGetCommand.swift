import ArgumentParser
import SortieKit

struct SessionsGetCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one session by id, unique id prefix, or pod name.",
        discussion: """
            Examples:
              sortiectl sessions get 3f2a
              sortiectl sessions get 3f2a9c1e-0b7d-4c55-9a0e-5f1d2c3b4a59 -o json
            """)

    @Argument(help: "The session id (or a unique prefix of it, or the pod name).", completion: DynamicCompletion.sessionIDs) var id: String
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let session = try await context.listingEngine().session(id)
        try SessionRendering.render([session], format: output, console: context.console, single: true)
    }
}
