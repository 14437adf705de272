import Foundation

extension KubeResource {
    /// The collection path, e.g. `/api/v1/namespaces/default/pods` (or cluster-wide without a namespace).
    public static func collectionPath(namespace: String?) -> String {
        if let namespace { return "\(apiPath)/namespaces/\(KubeRequest.segment(namespace))/\(resource)" }
        return "\(apiPath)/\(resource)"
    }

    /// The object path, e.g. `/api/v1/namespaces/default/pods/NAME`.
    public static func objectPath(namespace: String?, name: String) -> String {
        collectionPath(namespace: namespace) + "/" + KubeRequest.segment(name)
    }
}

/// Generic verbs over any `KubeResource`, like client-go's typed clients.
extension KubeClient {
    /// Gets one object.
    /// - Throws: `KubeAPIError` with reason `.notFound` if it doesn't exist.
    public func get<T: KubeResource>(_ type: T.Type, namespace: String?, name: String) async throws -> T {
        try await decode(T.self, from: KubeRequest(.get, T.objectPath(namespace: namespace, name: name)))
    }

    /// Lists one page of objects.
    public func list<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init()) async throws -> KubeList<T> {
        try await decode(KubeList<T>.self, from: KubeRequest(.get, T.collectionPath(namespace: namespace), query: options.queryItems))
    }

    /// Lists every object, following `continue` tokens page by page (`pageSize` per request).
    /// Returns the items and the list's resourceVersion (to start a watch from).
    ///
    /// Each next page is requested as soon as the previous one has arrived, before that one is
    /// decoded: the API server prepares page N+1 while this process decodes page N. (Kubernetes
    /// writes a list's `metadata`, with its `continue` token, before its `items`; see
    /// ``ListContinueToken``. Without a token there, pages are fetched one after the other.)
    public func listAll<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init(),
                                         pageSize: Int? = 500) async throws -> (items: [T], resourceVersion: String?) {
        try await listAll(type, namespace: namespace, options: options, pageSize: pageSize, transform: { $0 })
    }

    /// ``listAll(_:namespace:options:pageSize:)`` that turns each object into what the caller needs
    /// (or drops it: `nil`) as its page is decoded, on the same threads: a page is transformed while
    /// the next one is on its way, and large pages are decoded and transformed on every core.
    public func listAll<T: KubeResource, Item: Sendable>(
        _ type: T.Type, namespace: String?, options: ListOptions = .init(), pageSize: Int? = 500,
        transform: @escaping @Sendable (T) -> Item?
    ) async throws -> (items: [Item], resourceVersion: String?) {
        var options = options
        options.limit = pageSize
        let path = T.collectionPath(namespace: namespace)
        var request = KubeRequest(.get, path, query: options.queryItems)
        var body = try await send(request).body
        var items: [Item] = []
        var resourceVersion: String?
        while true {
            let early = ListContinueToken.find(in: body)
            var next: (request: KubeRequest, response: Task<TransportResponse, any Error>)?
            if let early {
                options.continue = early
                let nextRequest = KubeRequest(.get, path, query: options.queryItems)
                next = (nextRequest, Task { try await self.send(nextRequest) })
            }
            let page: (metadata: ListMeta, items: [Item])
            do {
                page = try await decodeListPage(T.self, from: body, request: request, transform: transform)
            } catch {
                next?.response.cancel()
                throw error
            }
            items.append(contentsOf: page.items)
            resourceVersion = page.metadata.resourceVersion
            guard let token = page.metadata.continue, !token.isEmpty else {
                next?.response.cancel()
                break
            }
            if let next, token == early {
                request = next.request
                body = try await next.response.value.body
            } else {
                next?.response.cancel()
                options.continue = token
                request = KubeRequest(.get, path, query: options.queryItems)
                body = try await send(request).body
            }
        }
        return (items, resourceVersion)
    }

    /// Creates an object and returns it as stored (or as it would be, with `dryRun: .server`).
    public func create<T: KubeResource>(_ object: T, namespace: String?, dryRun: DryRun = .none,
                                        fieldValidation: String? = "Strict") async throws -> T {
        var query = dryRun.queryItems
        if let fieldValidation { query.append(("fieldValidation", fieldValidation)) }
        let body = try JSONEncoder().encode(object)
        return try await decode(T.self, from: KubeRequest(.post, T.collectionPath(namespace: namespace), query: query, body: body))
    }

    /// Replaces an object (PUT); the object's `resourceVersion` makes it conditional.
    /// - Throws: `KubeAPIError` with reason `.conflict` if someone changed it since.
    public func replace<T: KubeResource>(_ object: T, namespace: String?, dryRun: DryRun = .none) async throws -> T {
        guard let name = object.metadata.name else {
            throw KubeClientError.decoding(request: "PUT \(T.resource)", type: T.kind, message: "the object has no metadata.name")
        }
        let body = try JSONEncoder().encode(object)
        return try await decode(T.self, from: KubeRequest(.put, T.objectPath(namespace: namespace, name: name), query: dryRun.queryItems, body: body))
    }

    /// Applies a JSON merge patch (RFC 7386) to an object.
    public func mergePatch<T: KubeResource>(_ type: T.Type, namespace: String?, name: String, patch: Data,
                                            dryRun: DryRun = .none) async throws -> T {
        try await decode(T.self, from: KubeRequest(.patch, T.objectPath(namespace: namespace, name: name), query: dryRun.queryItems,
                                                   body: patch, contentType: "application/merge-patch+json"))
    }

    /// Deletes an object. A graceful delete returns the object with `deletionTimestamp` set;
    /// the API may also answer with a `Status`, in which case `nil` is returned.
    /// - Parameter gracePeriodSeconds: `0` deletes at once; `nil` uses the object's own.
    /// - Throws: `KubeAPIError` `.notFound` if it is already gone.
    @discardableResult
    public func delete<T: KubeResource>(_ type: T.Type, namespace: String?, name: String, gracePeriodSeconds: Int? = nil,
                                        dryRun: DryRun = .none) async throws -> T? {
        var query = dryRun.queryItems
        if let gracePeriodSeconds { query.append(("gracePeriodSeconds", String(gracePeriodSeconds))) }
        let request = KubeRequest(.delete, T.objectPath(namespace: namespace, name: name), query: query)
        let response = try await send(request)
        return try? JSONDecoder().decode(T.self, from: response.body)
    }
}
