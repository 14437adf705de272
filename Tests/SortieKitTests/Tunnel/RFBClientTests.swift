import Foundation
import SortieKit
import Testing

/// The RFB client against scripted server bytes: the protocol paths, and hostile servers that
/// announce huge payloads or screens (memory must stay bounded, the answer must be an error).
@Suite("RFB client")
struct RFBClientTests {
    static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    static func u32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    /// Banner 3.8, security types [None], SecurityResult OK, ServerInit for a `width`×`height` screen.
    static func greeting(width: Int, height: Int, name: String = "xterm") -> [UInt8] {
        var bytes: [UInt8] = Array("RFB 003.008\n".utf8) + [1, 1] + u32(0)
        bytes += u16(width) + u16(height) + [UInt8](repeating: 0, count: 16)
        return bytes + u32(UInt32(name.utf8.count)) + Array(name.utf8)
    }

    /// FramebufferUpdate with one raw rectangle of 0x00RRGGBB little-endian pixels.
    static func update(x: Int, y: Int, width: Int, height: Int, pixel: (UInt8, UInt8, UInt8)) -> [UInt8] {
        var bytes: [UInt8] = [0, 0] + u16(1) + u16(x) + u16(y)
        bytes += u16(width) + u16(height) + u32(0)
        for _ in 0..<(width * height) { bytes += [pixel.2, pixel.1, pixel.0, 0] }
        return bytes
    }

    @Test func capturesAScreenSentInTwoRectanglesAfterOtherMessages() throws {
        let cutText: [UInt8] = [3, 0, 0, 0] + Self.u32(5) + Array("hello".utf8)
        let colourMap: [UInt8] = [1, 0] + Self.u16(0) + Self.u16(2) + [UInt8](repeating: 7, count: 12)
        var bytes: [UInt8] = Self.greeting(width: 3, height: 2) + [2] + cutText + colourMap
        bytes += Self.update(x: 0, y: 0, width: 3, height: 1, pixel: (255, 0, 0))
        bytes += Self.update(x: 0, y: 1, width: 3, height: 1, pixel: (0, 0, 255))
        let image = try RFBClient(stream: RFBMemoryStream(bytes)).captureFramebuffer()
        #expect(image.name == "xterm")
        #expect((image.width, image.height) == (3, 2))
        #expect(image.rgb == [255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255])
    }

    @Test func readsTheSecurityTypesOfOldServers() throws {
        let old: [UInt8] = Array("RFB 003.003\n".utf8) + Self.u32(2)
        let v33 = try RFBClient(stream: RFBMemoryStream(old)).handshake()
        #expect(v33.info.version == "RFB 003.003" && v33.info.securityTypes == [2] && v33.minor == 3)
        let v38 = try RFBClient(stream: RFBMemoryStream(Self.banner + [2, 1, 2])).handshake()
        #expect(v38.info.securityTypes == [1, 2] && v38.minor == 8)
    }

    static let banner: [UInt8] = Array("RFB 003.008\n".utf8)
    static let huge: [UInt8] = u32(0xFFFF_FFFF)

    static let hostile: [(bytes: [UInt8], message: String)] = {
        var cases: [(bytes: [UInt8], message: String)] = []
        // ServerCutText announcing 4 GiB, then the connection ends: skipped in chunks, never allocated.
        let cutText: [UInt8] = [3, 0, 0, 0] + huge + [1, 2, 3]
        cases.append((greeting(width: 4, height: 4) + cutText, "closed the connection"))
        // A desktop name of 4 GiB.
        var serverInit: [UInt8] = banner + [1, 1] + u32(0)
        serverInit += u16(4) + u16(4) + [UInt8](repeating: 0, count: 16)
        cases.append((serverInit + huge, "closed the connection"))
        // A refusal reason of 4 GiB.
        cases.append((banner + [0] + huge + Array("no".utf8), "closed the connection"))
        // A 60000×60000 screen (10 GiB of RGB) is refused before anything is allocated.
        cases.append((greeting(width: 60000, height: 60000), "implausible framebuffer size 60000x60000"))
        // A rectangle outside the screen.
        var outside: [UInt8] = [0, 0] + u16(1) + u16(1) + u16(1)
        outside += u16(2) + u16(2) + u32(0)
        cases.append((greeting(width: 2, height: 2) + outside, "outside the 2x2 screen"))
        cases.append((Array("HTTP/1.1 400 Bad Request\r\n".utf8), "did not send an RFB banner"))
        cases.append(([], "closed the connection"))
        return cases
    }()

    @Test("hostile or broken servers get an error, with memory bounded", arguments: hostile)
    func hostileServers(bytes: [UInt8], message: String) {
        let error = #expect(throws: TunnelError.self) { try RFBClient(stream: RFBMemoryStream(bytes)).captureFramebuffer() }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func passwordProtectedServersAreReportedAsUnsupported() {
        let bytes: [UInt8] = Self.banner + [1, 2]
        let error = #expect(throws: TunnelError.self) { try RFBClient(stream: RFBMemoryStream(bytes)).captureFramebuffer() }
        #expect(error?.description.contains("requires a password") == true)
    }
}
