"""Server-side printing: meta.k8s.io/v1 Table responses for `kubectl get`."""
from .pods import POD_COLUMNS, age, column_definitions, pod_row_cells

GENERIC_COLUMNS = [POD_COLUMNS[0], POD_COLUMNS[4]]
EVENT_COLUMNS = [("Last Seen", "string", "", "", 0), ("Type", "string", "", "", 0),
                 ("Reason", "string", "", "", 0), ("Object", "string", "", "", 0),
                 ("Message", "string", "", "", 0)]
LEASE_COLUMNS = [POD_COLUMNS[0], ("Holder", "string", "", "", 0), POD_COLUMNS[4]]
NS_COLUMNS = [POD_COLUMNS[0], ("Status", "string", "", "", 0), POD_COLUMNS[4]]


def wants_table(accept: str) -> bool:
    return "as=Table" in (accept or "")


def _columns(kind):
    return {"Pod": POD_COLUMNS, "Event": EVENT_COLUMNS, "Lease": LEASE_COLUMNS,
            "Namespace": NS_COLUMNS}.get(kind, GENERIC_COLUMNS)


def _cells(kind, obj):
    if kind == "Pod":
        return pod_row_cells(obj)
    if kind == "Event":
        inv = obj.get("involvedObject") or {}
        return [age(obj), obj.get("type", ""), obj.get("reason", ""),
                f"{inv.get('kind', '').lower()}/{inv.get('name', '')}", obj.get("message", "")]
    if kind == "Lease":
        return [obj["metadata"]["name"], (obj.get("spec") or {}).get("holderIdentity", ""), age(obj)]
    if kind == "Namespace":
        return [obj["metadata"]["name"], (obj.get("status") or {}).get("phase", ""), age(obj)]
    return [obj["metadata"]["name"], age(obj)]


def row(kind, api_version, obj, include_object="Metadata"):
    r = {"cells": _cells(kind, obj)}
    if include_object == "Object":
        r["object"] = dict({"kind": kind, "apiVersion": api_version}, **obj)
    elif include_object != "None":
        r["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                       "metadata": obj.get("metadata", {})}
    return r


def table(kind, api_version, objs, list_meta, include_object="Metadata", with_columns=True):
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta,
            "columnDefinitions": column_definitions(_columns(kind)) if with_columns else None,
            "rows": [row(kind, api_version, o, include_object) for o in objs]}
