"""Fault injection rules and the request log."""
import collections
import itertools
import re
import time

from .errors import status_body

FAULT_KEYS = {"method", "path", "count", "status", "retryAfter", "delay", "drop", "dropAfterBytes",
              "cutWatchAfterEvents", "watchGone"}
MESSAGES = {
    429: ("Too many requests, please try again later.", "TooManyRequests"),
    500: ("Internal error occurred: injected by the sandbox", "InternalError"),
    503: ("the server is currently unable to handle the request", "ServiceUnavailable"),
    504: ("Timeout: request did not complete within the allotted timeout", "Timeout"),
}


class Faults:
    def __init__(self):
        self.rules: list[dict] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> dict:
        unknown = set(spec) - FAULT_KEYS
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        rule = dict(spec)
        rule["id"] = next(self._ids)
        rule.setdefault("count", 1)
        rule["_re"] = re.compile(rule["path"]) if rule.get("path") else None
        self.rules.append(rule)
        return {k: v for k, v in rule.items() if not k.startswith("_")}

    def clear(self):
        self.rules.clear()

    def list(self):
        return [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.rules]

    def match(self, method: str, path_qs: str, is_watch: bool):
        for r in self.rules:
            if r.get("method") and r["method"].upper() != method:
                continue
            if r["_re"] is not None and not r["_re"].search(path_qs):
                continue
            if (r.get("cutWatchAfterEvents") is not None or r.get("watchGone")) and not is_watch:
                continue
            if r["count"] == 0:
                continue
            if r["count"] > 0:
                r["count"] -= 1
            fault = {k: v for k, v in r.items() if not k.startswith("_")}
            if r["count"] == 0:
                self.rules.remove(r)
            return fault
        return None


def fault_status(code: int, retry_after=None):
    msg, reason = MESSAGES.get(code, (f"injected fault {code}", None))
    details = None
    if code == 429:
        details = {"retryAfterSeconds": retry_after or 1}
    elif retry_after is not None:
        details = {"retryAfterSeconds": retry_after}
    elif code == 500:
        details = {"causes": [{"message": "injected by the sandbox"}]}
    return status_body(code, msg, reason, details)


class RequestLog:
    def __init__(self, maxlen=20000):
        self.entries = collections.deque(maxlen=maxlen)

    def add(self, **kw) -> dict:
        kw["timestamp"] = time.time()
        self.entries.append(kw)
        return kw

    def clear(self):
        self.entries.clear()

    def list(self):
        return list(self.entries)
