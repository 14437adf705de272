import Foundation
import SortieKit
import SortieKitTesting

/// The parsers that read bytes someone else controls, each as a fuzz target: run by libFuzzer
/// (`scripts/fuzz.sh`, the `sortie-fuzz` executable built with `--sanitize=fuzzer`) and, for the
/// regression corpus in `Tests/FuzzCorpus/<target>/`, by the ordinary test suite.
///
/// A target must never crash, trap or hang whatever the input: errors are the expected answer to
/// garbage and are swallowed here; anything else (a Swift runtime trap, an address-sanitizer
/// report, a timeout, memory beyond libFuzzer's `-rss_limit_mb`) is a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A kubeconfig file through the whole loader (merge, context, user, cluster resolution).
    case kubeconfig
    /// An app catalog, JSON or YAML, through parsing and validation.
    case catalog
    /// A watch response body (NDJSON of Pod events), cut into chunks where the input says.
    case watchEvents = "watch-events"
    /// WebSocket frames as a client receives them from a server.
    case webSocketFrames = "websocket-frames"
    /// Relayed WebSocket bytes as `serve`'s frame scanner follows them (either sender).
    case webSocketScanner = "websocket-scanner"
    /// Port-forward channel messages (`v4.channel.k8s.io`) for port 5900.
    case portForwardFrames = "portforward-frames"
    /// A VNC server's side of the RFB handshake and one framebuffer update.
    case rfb
    /// A list response split into items, their unread fields omitted, decoded in parts: whenever
    /// the whole body decodes, the parts must decode to the same pods and list metadata.
    case listPage = "list-page"
    /// One pod read straight from its JSON (``PodMetadataAndStatus/decodeDirectly(_:)``): whatever
    /// the reader returns must be what JSONDecoder decodes, and nothing where JSONDecoder refuses.
    case podReading = "pod-reading"

    /// Runs one input through the target.
    public func run(_ input: [UInt8]) {
        switch self {
        case .kubeconfig: Self.kubeconfig(input)
        case .catalog: Self.catalog(input)
        case .watchEvents: Self.watchEvents(input)
        case .webSocketFrames: Self.webSocketFrames(input)
        case .webSocketScanner: Self.webSocketScanner(input)
        case .portForwardFrames: Self.portForwardFrames(input)
        case .rfb: _ = try? RFBClient(stream: RFBMemoryStream(input)).captureFramebuffer()
        case .listPage: Self.listPage(input)
        case .podReading: Self.podReading(input)
        }
    }

    static func listPage(_ input: [UInt8]) {
        let body = Data(input)
        guard let split = ListItemSplitter.split(body),
              let whole = try? JSONDecoder().decode(KubeList<PodMetadataAndStatus>.self, from: body) else { return }
        let envelope = try? JSONDecoder().decode(KubeList<PodMetadataAndStatus>.self, from: split.envelope)
        precondition(envelope?.metadata == whole.metadata && envelope?.items.isEmpty == true, "the envelope lost the list's metadata")
        let omissions = PodMetadataAndStatus.listOmissions
        for parts in [1, 2, 3] {
            let size = max(1, (split.items.count + parts - 1) / parts)
            var decoded: [PodMetadataAndStatus] = []
            for start in stride(from: 0, to: split.items.count, by: size) {
                let array = ListItemSplitter.array(of: split.items[start..<min(start + size, split.items.count)], in: body, omitting: omissions)
                guard let items = try? JSONDecoder().decode([PodMetadataAndStatus].self, from: array) else { return }
                decoded += items
            }
            precondition(decoded == whole.items, "the items decoded in \(parts) parts differ from the whole list's")
        }
        if let read = KubeClient.readDirectly(PodMetadataAndStatus.self, split.items[...], in: body) {
            precondition(read == whole.items, "the items read directly differ from the whole list's")
        }
    }

    static func podReading(_ input: [UInt8]) {
        guard let read = input.withUnsafeBufferPointer({ PodMetadataAndStatus.decodeDirectly($0) }) else { return }
        let decoded = try? JSONDecoder().decode(PodMetadataAndStatus.self, from: Data(input))
        precondition(read == decoded, "read directly: \(read); JSONDecoder: \(String(describing: decoded))")
    }

    /// The first byte picks the sender (bit 0) and the read size (1…128), so frame headers split
    /// across reads are tried too. The payload counted can never exceed the bytes read.
    static func webSocketScanner(_ input: [UInt8]) {
        guard let first = input.first else { return }
        var scanner = WebSocketFrameScanner(sender: first & 1 == 0 ? .client : .server, maxFramePayload: 1 << 20)
        let chunk = Int(first >> 1) + 1
        var offset = 1
        var counted = 0
        do {
            while offset < input.count {
                let end = min(offset + chunk, input.count)
                counted += try scanner.scan(Array(input[offset..<end]))
                offset = end
            }
        } catch {
            return
        }
        precondition(counted <= input.count - 1, "the scanner counted more payload than it was given")
    }

    static func kubeconfig(_ input: [UInt8]) {
        let files = InMemoryFileSystem(["/fuzz/config": String(decoding: input, as: UTF8.self)])
        let loader = KubeconfigLoader(fileSystem: files, environment: [:], serviceAccountDirectory: "/fuzz/none")
        _ = try? loader.load(.init(kubeconfigPath: "/fuzz/config"))
    }

    static func catalog(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        for format in [CatalogFormat.json, .yaml] {
            _ = try? CatalogLoader().parse(text, path: "apps.fuzz", format: format)
        }
    }

    /// The first byte picks the chunk size (1…256), so events split across chunks are tried too.
    static func watchEvents(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let chunk = Int(first) + 1
        var decoder = WatchEventDecoder<Pod>()
        var offset = 1
        do {
            while offset < input.count {
                let end = min(offset + chunk, input.count)
                _ = try decoder.feed(Data(input[offset..<end]))
                offset = end
            }
            _ = try decoder.finish()
        } catch {}
    }

    /// Decodes until the input is used up or refused, as the tunnel's read loop does.
    static func webSocketFrames(_ input: [UInt8]) {
        var bytes = input
        var decoder = WebSocketFrameDecoder(role: .client, maxFrameLength: 1 << 20)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset <= buffer.count {
                guard let (event, consumed) = try? decoder.next(UnsafeMutableRawBufferPointer(rebasing: buffer[offset...])) else { return }
                if case .payload(let range) = event {
                    precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count - offset, "payload range outside the input")
                }
                if case .needMore = event { return }
                precondition(consumed >= 0 && consumed <= buffer.count - offset, "consumed more than was given")
                offset += consumed
            }
        }
    }

    /// Bytes 0xFF split the input into messages; each message is fed in two pieces.
    static func portForwardFrames(_ input: [UInt8]) {
        var codec = PortForwardFrameCodec(port: 5900)
        for message in input.split(separator: 0xFF, omittingEmptySubsequences: false) {
            codec.messageStarted()
            let bytes = Array(message)
            let half = bytes.count / 2
            for piece in [bytes[..<half], bytes[half...]] {
                let slice = Array(piece)
                let action = slice.withUnsafeBytes { try? codec.receive($0) }
                if case .data(let range)? = action {
                    precondition(range.lowerBound >= 0 && range.upperBound <= slice.count, "data range outside the input")
                }
                if action == nil { return }
            }
            _ = codec.messageEnded()
        }
    }
}
