"""Small helpers shared by every module: timestamps, ids, JSON encoding."""
import datetime
import json
import os
import time
import uuid


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


_second = [-1, ""]  # the last Unix second formatted by _rfc3339_second, and its text


def _rfc3339_second(sec: int) -> str:
    """'YYYY-MM-DDTHH:MM:SS' (UTC) of a Unix second. Cached: a pod create and its kubelet writes take
    dozens of timestamps, nearly all in the same second, and strftime is comparatively slow."""
    if _second[0] != sec:
        _second[:] = sec, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return _second[1]


def ts(t: datetime.datetime | None = None) -> str:
    """RFC 3339 with second precision, as metav1.Time."""
    if t is not None:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _rfc3339_second(time.time_ns() // 1_000_000_000) + "Z"


def micro_ts(t: datetime.datetime | None = None) -> str:
    """RFC 3339 with microseconds, as metav1.MicroTime."""
    if t is not None:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sec, ns = divmod(time.time_ns(), 1_000_000_000)
    return f"{_rfc3339_second(sec)}.{ns // 1000:06d}Z"


def parse_ts(s: str) -> datetime.datetime:
    s = s.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in s else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(s, fmt).replace(tzinfo=datetime.timezone.utc)


def new_uid() -> str:
    return str(uuid.uuid4())


def rand_hex(n: int) -> str:
    return os.urandom((n + 1) // 2).hex()[:n]


def rand_suffix(n: int = 5) -> str:
    # the alphabet of k8s.io/apimachinery/pkg/util/rand (no vowels, no confusable digits)
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[b % len(alphabet)] for b in os.urandom(n))


def dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def human_duration(seconds: float) -> str:
    """kubectl's duration.HumanDuration."""
    s = int(seconds)
    if s < 0:
        s = 0
    if s < 120:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 180:
        return f"{m}m"
    h = s // 3600
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    d = h // 24
    if d < 8:
        return f"{d}d{h % 24}h" if h % 24 else f"{d}d"
    if d < 365 * 2:
        return f"{d}d"
    return f"{d // 365}y"
