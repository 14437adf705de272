"""Kubernetes resource.Quantity parsing and canonical formatting."""
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}


class QuantityError(ValueError):
    pass


def parse(q) -> tuple[Decimal, str]:
    """Returns (value, format) where format is 'BinarySI' or 'DecimalSI'."""
    if isinstance(q, (int, float)):
        return Decimal(str(q)), "DecimalSI"
    s = str(q).strip()
    if not s:
        raise QuantityError("quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    for suf, mult in _BINARY.items():
        if s.endswith(suf):
            return _num(s[:-2], q) * mult, "BinarySI"
    if s[-1] in _DECIMAL and s[-1] != "":
        return _num(s[:-1], q) * _DECIMAL[s[-1]], "DecimalSI"
    return _num(s, q), "DecimalSI"


def _num(s, orig):
    try:
        v = Decimal(s)
    except InvalidOperation:
        raise QuantityError(f"quantities must match the regular expression "
                            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'") from None
    if not v.is_finite():
        raise QuantityError("invalid quantity")
    return v


def value(q) -> Decimal:
    return parse(q)[0]


def fmt(v: Decimal, form: str = "DecimalSI") -> str:
    """Canonical form, as resource.Quantity.String()."""
    if v == 0:
        return "0"
    neg = v < 0
    a = -v if neg else v
    sign = "-" if neg else ""
    if form == "BinarySI" and a == a.to_integral_value() and a >= 1024:
        n = int(a)
        for suf in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            m = _BINARY[suf]
            if n % m == 0:
                return f"{sign}{n // m}{suf}"
        return f"{sign}{n}"
    # DecimalSI: the largest exponent (multiple of 3, >= -9) that makes the mantissa integral
    for exp, suf in ((0, ""), (-3, "m"), (-6, "u"), (-9, "n")):
        scaled = a / (Decimal(10) ** exp)
        if scaled == scaled.to_integral_value():
            break
    else:
        scaled, exp, suf = (a / Decimal("1e-9")).to_integral_value(rounding="ROUND_CEILING"), -9, "n"
    n = int(scaled)
    if exp == 0:
        for e, s2 in ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k")):
            if n % (10 ** e) == 0:
                return f"{sign}{n // 10 ** e}{s2}"
    return f"{sign}{n}{suf}"


def add(a: Decimal, b: Decimal) -> Decimal:
    return a + b
