import Foundation

extension KubeClient {
    /// Pages smaller than this decode on the calling task: splitting them gains nothing.
    static let concurrentListDecodingThreshold = 256 * 1024

    /// Decodes one page of a list and transforms its items. A large page is split into its items
    /// (``ListItemSplitter``) and decoded and transformed on every core: that work, not the
    /// transfer, is what the caller waits for after the last page arrives. Items of a type that
    /// reads itself (``KubeResource/decodeDirectly(_:)``) skip JSONDecoder; a part with an item it
    /// does not read goes through JSONDecoder. If a part fails to decode, the page is decoded
    /// whole, so the error names the item's place in the list as before.
    func decodeListPage<T: KubeResource, Item: Sendable>(
        _ type: T.Type, from body: Data, request: KubeRequest,
        cores: Int = ProcessInfo.processInfo.activeProcessorCount, transform: @escaping @Sendable (T) -> Item?
    ) async throws -> (metadata: ListMeta, items: [Item]) {
        guard body.count >= Self.concurrentListDecodingThreshold,
              let split = ListItemSplitter.split(body), split.items.count >= cores * 4 else {
            return try wholePage(T.self, from: body, request: request, transform: transform)
        }
        do {
            let metadata = try JSONDecoder().decode(KubeList<T>.self, from: split.envelope).metadata
            let partSize = (split.items.count + cores - 1) / cores
            let starts = Array(stride(from: 0, to: split.items.count, by: partSize))
            let items = try await withThrowingTaskGroup(of: (Int, [Item]).self) { group in
                for (part, start) in starts.enumerated() {
                    let ranges = split.items[start..<min(start + partSize, split.items.count)]
                    group.addTask {
                        let objects = try Self.readDirectly(T.self, ranges, in: body)
                            ?? JSONDecoder().decode([T].self, from: ListItemSplitter.array(of: ranges, in: body, omitting: T.listOmissions))
                        return (part, objects.compactMap(transform))
                    }
                }
                var parts = [[Item]](repeating: [], count: starts.count)
                for try await (part, items) in group { parts[part] = items }
                return parts.flatMap { $0 }
            }
            return (metadata, items)
        } catch {
            return try wholePage(T.self, from: body, request: request, transform: transform)
        }
    }

    /// The items read by ``KubeResource/decodeDirectly(_:)``, or nil if any of them is not (then
    /// JSONDecoder decodes the part, and reports what is wrong with it).
    public static func readDirectly<T: KubeResource>(_ type: T.Type, _ ranges: ArraySlice<Range<Int>>, in body: Data) -> [T]? {
        body.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var objects: [T] = []
            objects.reserveCapacity(ranges.count)
            for range in ranges {
                guard let object = T.decodeDirectly(UnsafeBufferPointer(rebasing: bytes[range])) else { return nil }
                objects.append(object)
            }
            return objects
        }
    }

    private func wholePage<T: KubeResource, Item: Sendable>(
        _ type: T.Type, from body: Data, request: KubeRequest, transform: (T) -> Item?
    ) throws -> (metadata: ListMeta, items: [Item]) {
        let page = try decode(KubeList<T>.self, from: body, request: request)
        return (page.metadata, page.items.compactMap(transform))
    }
}
