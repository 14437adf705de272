/// Kubernetes naming rules used for catalog ids, pod names and label values.
public enum NameRules {
    /// Whether `text` is an RFC 1123 DNS label: at most 63 characters of `[a-z0-9-]`,
    /// starting and ending with a letter or digit.
    public static func isDNS1123Label(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }

    /// Whether `text` is a valid label value: empty, or at most 63 characters of `[A-Za-z0-9-_.]`
    /// starting and ending with a letter or digit.
    public static func isLabelValue(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return true }
        guard bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
        }
        return alnum(bytes.first!) && alnum(bytes.last!)
            && bytes.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
