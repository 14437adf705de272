/// The Kubernetes quantity grammar (see ``Quantity``), turned into exact nano-units.
enum QuantityParser {
    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = ["Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6]

    static func parse(_ text: String) throws(QuantityError) -> Quantity {
        var chars = Substring(text)
        var negative = false
        if let first = chars.first, first == "+" || first == "-" {
            negative = first == "-"
            chars = chars.dropFirst()
        }
        let integerDigits = chars.prefix(while: \.isASCIIDigit)
        chars = chars.dropFirst(integerDigits.count)
        var fractionDigits = Substring("")
        if chars.first == "." {
            chars = chars.dropFirst()
            fractionDigits = chars.prefix(while: \.isASCIIDigit)
            chars = chars.dropFirst(fractionDigits.count)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw .invalid(text) }

        let suffix = String(chars)
        var powerOf10 = 0
        var powerOf1024 = 0
        let format: Quantity.Format
        if let exponent = decimalSuffixes[suffix] {
            powerOf10 = exponent
            format = .decimalSI
        } else if let exponent = binarySuffixes[suffix] {
            powerOf1024 = exponent
            format = .binarySI
        } else if let exponent = decimalExponent(suffix) {
            powerOf10 = exponent
            format = .decimalExponent
        } else {
            throw .invalid(text)
        }

        // value = digits × 10^(powerOf10 - fractionDigits) × 1024^powerOf1024, in nano-units.
        let allDigits = (integerDigits + fractionDigits).drop { $0 == "0" }
        if allDigits.isEmpty { return Quantity(nanoValue: 0, format: format) }
        if negative { throw .negative(text) }
        guard allDigits.count <= 38, let mantissa = Int128(String(allDigits)) else { throw .outOfRange(text) }
        let scale = powerOf10 - fractionDigits.count + 9
        var nanos = mantissa
        for _ in 0..<powerOf1024 {
            guard let next = multiply(nanos, 1024) else { throw .outOfRange(text) }
            nanos = next
        }
        if scale >= 0 {
            for _ in 0..<scale {
                guard let next = multiply(nanos, 10), next <= Quantity.maxNanos else { throw .outOfRange(text) }
                nanos = next
            }
        } else if -scale > 38 {
            nanos = 1  // Far below 1n: rounds up to the smallest representable amount, as Kubernetes does.
        } else {
            var divisor: Int128 = 1
            for _ in 0..<(-scale) { divisor *= 10 }
            nanos = Quantity.ceilDiv(nanos, divisor)
        }
        guard nanos <= Quantity.maxNanos else { throw .outOfRange(text) }
        return Quantity(nanoValue: nanos, format: format)
    }

    /// `e3`, `E-2`, `e+6` → the exponent; nil for anything else.
    private static func decimalExponent(_ suffix: String) -> Int? {
        guard let first = suffix.first, first == "e" || first == "E" else { return nil }
        var rest = suffix.dropFirst()
        var sign = 1
        if let s = rest.first, s == "+" || s == "-" {
            sign = s == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy(\.isASCIIDigit), let value = Int(rest) else { return nil }
        return sign * value
    }

    private static func multiply(_ a: Int128, _ b: Int128) -> Int128? {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : result
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
