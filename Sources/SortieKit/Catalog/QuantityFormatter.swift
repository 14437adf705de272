/// Kubernetes' canonical quantity spelling (`Quantity.CanonicalizeBytes`), for the values sortie uses.
enum QuantityFormatter {
    private static let decimalSuffixes: [Int: String] = [
        -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E",
    ]
    private static let binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    static func canonical(_ quantity: Quantity) -> String {
        let nanos = quantity.nanoValue
        if nanos == 0 { return "0" }
        let sign = nanos < 0 ? "-" : ""
        let magnitude = nanos.magnitude
        switch quantity.format {
        case .binarySI:
            // Like Kubernetes: small or fractional binary quantities are written in decimal.
            let (units, remainder) = magnitude.quotientAndRemainder(dividingBy: UInt128(Quantity.nanosPerUnit))
            if remainder == 0, units >= 1024 {
                var mantissa = units
                var power = 0
                while power < 6, mantissa % 1024 == 0 {
                    mantissa /= 1024
                    power += 1
                }
                return sign + String(mantissa) + binarySuffixes[power]
            }
            return sign + decimal(magnitude, exponentForm: false)
        case .decimalSI:
            return sign + decimal(magnitude, exponentForm: false)
        case .decimalExponent:
            return sign + decimal(magnitude, exponentForm: true)
        }
    }

    /// `mantissa × 10^exponent` with the exponent the largest multiple of 3 keeping the mantissa whole.
    private static func decimal(_ nanos: UInt128, exponentForm: Bool) -> String {
        var mantissa = nanos
        var exponent = -9
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        var exponent3 = exponent >= 0 ? exponent / 3 * 3 : -((-exponent + 2) / 3 * 3)
        if !exponentForm { exponent3 = min(exponent3, 18) }
        for _ in 0..<(exponent - exponent3) { mantissa *= 10 }
        if exponentForm {
            return String(mantissa) + (exponent3 == 0 ? "" : "e\(exponent3)")
        }
        return String(mantissa) + (decimalSuffixes[exponent3] ?? "")
    }
}
