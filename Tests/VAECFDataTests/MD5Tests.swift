import Foundation
import Testing

@testable import VAECFData

@Suite("MD5")
struct MD5Tests {
    @Test(
        "the test suite of RFC 1321",
        arguments: [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a"
            ),
        ])
    func rfcVectors(message: String, digest: String) {
        #expect(MD5.hash(Array(message.utf8)).hexadecimal == digest)
    }

    @Test("a million 'a's, fed in uneven pieces, as one block")
    func streaming() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(MD5.hash(message).hexadecimal == "7707d6ae4e027c70eea2a935c2296f21")
        var digest = MD5()
        var start = 0
        var piece = 1
        while start < message.count {
            let end = min(message.count, start + piece)
            message[start..<end].withUnsafeBytes { digest.update($0) }
            start = end
            piece = piece * 3 % 1_000 + 1  // 1, 4, 13, 40, ...: crosses block boundaries in every way
        }
        #expect(digest.finalize().hexadecimal == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test("padding at every length around the 56- and 64-byte boundaries matches the one-shot digest")
    func boundaries() {
        // 55, 56 and 64 bytes of 'a' (independently known digests).
        #expect(MD5.hash([UInt8](repeating: 0x61, count: 55)).hexadecimal == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hash([UInt8](repeating: 0x61, count: 56)).hexadecimal == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hash([UInt8](repeating: 0x61, count: 64)).hexadecimal == "014842d480b571495a4a0363793f7367")
        for length in 50...130 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var digest = MD5()
            message[0..<(length / 2)].withUnsafeBytes { digest.update($0) }
            message[(length / 2)...].withUnsafeBytes { digest.update($0) }
            #expect(digest.finalize() == MD5.hash(message))
        }
    }
}
