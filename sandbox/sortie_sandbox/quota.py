"""ResourceQuota: usage accounting (status.hard/status.used) and admission of new pods."""
from decimal import Decimal

from . import quantity
from .errors import forbidden
from .pods import pod_resources

TRACKED = ("pods", "count/pods", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "cpu",
           "memory", "requests.ephemeral-storage", "limits.ephemeral-storage")


def _counts(pod) -> bool:
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    return not (pod.get("metadata") or {}).get("deletionTimestamp")


def pod_usage(pod: dict) -> dict[str, Decimal]:
    res = pod_resources(pod)
    u = {"pods": Decimal(1), "count/pods": Decimal(1)}
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory", "ephemeral-storage"):
            if (kind, r) in res:
                u[f"{kind}.{r}"] = Decimal(res[(kind, r)])
    if "requests.cpu" in u:
        u["cpu"] = u["requests.cpu"]
    if "requests.memory" in u:
        u["memory"] = u["requests.memory"]
    return u


def usage(pods) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for p in pods:
        if _counts(p):
            for k, v in pod_usage(p).items():
                total[k] = total.get(k, Decimal(0)) + v
    return total


def _form(q) -> str:
    try:
        return quantity.parse(q)[1]
    except quantity.QuantityError:
        return "DecimalSI"


def status_for(quota: dict, pods) -> dict:
    hard = dict(((quota.get("spec") or {}).get("hard") or {}))
    used_all = usage(pods)
    used = {}
    for k in hard:
        form = "BinarySI" if k.endswith("memory") or k.endswith("storage") and _form(hard[k]) == "BinarySI" else _form(hard[k])
        if k.endswith("memory"):
            form = "BinarySI"
        used[k] = quantity.fmt(used_all.get(k, Decimal(0)), form)
    return {"hard": hard, "used": used}


def _pretty(d: dict) -> str:
    return ",".join(f"{k}={d[k]}" for k in sorted(d))


def admit(pod: dict, quotas: list[dict], pods_in_ns: list[dict]):
    """Raises the exact 403 of the real quota admission plugin when a new pod does not fit."""
    if not quotas:
        return
    req = pod_usage(pod)
    current = usage(pods_in_ns)
    for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        hard = (q.get("spec") or {}).get("hard") or {}
        name = q["metadata"]["name"]
        missing = sorted(k for k in hard if k in TRACKED and k not in req and
                         k not in ("pods", "count/pods"))
        if missing:
            raise forbidden("pods", pod["metadata"]["name"], f"failed quota: {name}: must specify {','.join(missing)}")
        exceeded = {}
        for k, hq in hard.items():
            if k not in req:
                continue
            limit = quantity.value(hq)
            if current.get(k, Decimal(0)) + req[k] > limit:
                exceeded[k] = hq
        if exceeded:
            form = lambda k: "BinarySI" if k.endswith("memory") else _form(hard[k])
            requested = {k: quantity.fmt(req[k], form(k)) for k in exceeded}
            used = {k: quantity.fmt(current.get(k, Decimal(0)), form(k)) for k in exceeded}
            limited = {k: hard[k] for k in exceeded}
            raise forbidden("pods", pod["metadata"]["name"],
                            f"exceeded quota: {name}, requested: {_pretty(requested)}, used: {_pretty(used)}, "
                            f"limited: {_pretty(limited)}")
