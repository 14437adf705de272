import Foundation
import Testing
@testable import SortieKit

@Suite("SHA-1 and SHA-256 against FIPS 180 / RFC test vectors")
struct DigestTests {
    static let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    static let twoBlock = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    static let longTwoBlock =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

    @Test("SHA-1", arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (twoBlock, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (longTwoBlock, "a49b2446a02c645bf419f995b67091253a04a259"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func sha1(input: String, expected: String) {
        #expect(Hex.encode(SHA1.hash(Array(input.utf8))) == expected)
    }

    @Test("SHA-256", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (twoBlock, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (longTwoBlock, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256(input: String, expected: String) {
        #expect(Hex.encode(SHA256.hash(Array(input.utf8))) == expected)
    }

    @Test("a million 'a's exercises many blocks")
    func millionA() {
        #expect(Hex.encode(SHA1.hash(Self.million)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(Hex.encode(SHA256.hash(Self.million))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("messages of 55, 56 and 64 bytes hit each padding boundary", arguments: [55, 56, 63, 64, 65])
    func paddingBoundaries(length: Int) {
        // Values computed with Python's hashlib.
        let expected: [Int: (String, String)] = [
            55: ("c1c8bbdc22796e28c0e15163d20899b65621d65a",
                 "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            56: ("c2db330f6083854c99d4b5bfb6e8f29f201be699",
                 "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            63: ("03f09f5b158a7a8cdad920bddc29b81c18a551f5",
                 "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            64: ("0098ba824b5c16427bd7a1122a5a442a25ec644d",
                 "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            65: ("11655326c708d70319be2610e8a57d9a5b959d3b",
                 "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        ]
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(Hex.encode(SHA1.hash(input)) == expected[length]?.0)
        #expect(Hex.encode(SHA256.hash(input)) == expected[length]?.1)
    }

    @Test("RFC 6455 §1.3 Sec-WebSocket-Accept example")
    func webSocketAccept() {
        let key = "dGhlIHNhbXBsZSBub25jZQ=="
        let digest = SHA1.hash(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        #expect(Data(digest).base64EncodedString() == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test("hex encoding is lowercase, two digits per byte")
    func hex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode([]) == "")
    }
}
