"""Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors (=, ==, !=)."""
import re

from .errors import bad_request

_TOKEN = re.compile(r"\s*(!=|==|=|\(|\)|,|!|[^\s=!(),]+)")


def parse_label_selector(s: str | None):
    """Returns a list of requirements (key, op, values). Raises ApiError(400) on syntax errors."""
    if not s or not s.strip():
        return []
    toks = _TOKEN.findall(s)
    reqs, i = [], 0

    def err():
        return bad_request(f'unable to parse requirement: found \'{s}\', expected: valid label selector')

    while i < len(toks):
        t = toks[i]
        if t == "!":
            if i + 1 >= len(toks):
                raise err()
            reqs.append((toks[i + 1], "!exists", []))
            i += 2
        else:
            key = t
            i += 1
            if i >= len(toks) or toks[i] == ",":
                reqs.append((key, "exists", []))
            elif toks[i] in ("=", "==", "!="):
                op = "!=" if toks[i] == "!=" else "="
                i += 1
                val = ""
                if i < len(toks) and toks[i] != ",":
                    val = toks[i]
                    i += 1
                reqs.append((key, op, [val]))
            elif toks[i].lower() in ("in", "notin"):
                op = toks[i].lower()
                i += 1
                if i >= len(toks) or toks[i] != "(":
                    raise err()
                i += 1
                vals = []
                while i < len(toks) and toks[i] != ")":
                    if toks[i] != ",":
                        vals.append(toks[i])
                    i += 1
                if i >= len(toks):
                    raise err()
                i += 1
                reqs.append((key, op, vals))
            else:
                raise err()
        if i < len(toks):
            if toks[i] != ",":
                raise err()
            i += 1
    return reqs


def label_match(reqs, labels: dict | None) -> bool:
    labels = labels or {}
    for key, op, vals in reqs:
        has = key in labels
        v = labels.get(key)
        if op == "exists" and not has:
            return False
        if op == "!exists" and has:
            return False
        if op == "=" and (not has or v != vals[0]):
            return False
        if op == "!=" and has and v == vals[0]:
            return False
        if op == "in" and (not has or v not in vals):
            return False
        if op == "notin" and has and v in vals:
            return False
    return True


def parse_field_selector(s: str | None, allowed: set[str] | None = None, kind: str = "Pod"):
    if not s or not s.strip():
        return []
    reqs = []
    for part in s.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^([^=!]+)(!=|==|=)(.*)$", part)
        if not m:
            raise bad_request(f'invalid selector: \'{s}\'; can\'t understand \'{part}\'')
        key, op, val = m.group(1).strip(), m.group(2), m.group(3).strip()
        if allowed is not None and key not in allowed:
            raise bad_request(f'field label not supported: {key}')
        reqs.append((key, "!=" if op == "!=" else "=", val))
    return reqs


def field_value(obj: dict, path: str) -> str:
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def field_match(reqs, obj: dict) -> bool:
    for key, op, val in reqs:
        v = field_value(obj, key)
        if op == "=" and v != val:
            return False
        if op == "!=" and v == val:
            return False
    return True
