import Foundation
import SortieKit
import Logging
import NIOCore
import NIOPosix

/// Reaches websockify at the pod IP (`POD_IP:6080`): for a server running inside the cluster
/// network.
public struct DirectUpstream: SessionUpstream {
    let port: Int
    let connectTimeout: TimeAmount

    public init(port: Int = 6080, connectTimeout: Duration = .seconds(10)) {
        self.port = port
        self.connectTimeout = TimeAmount(connectTimeout)
    }

    public func connect(to pod: Pod, on eventLoop: any EventLoop, logger: Logger) async throws -> UpstreamConnection {
        guard let ip = pod.status?.podIP, !ip.isEmpty else { throw SessionUpstreamError.noPodIP(pod: pod.metadata.name ?? "") }
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: ip, port: port).get()
        let host = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        return UpstreamConnection(channel: channel, host: host)
    }
}
