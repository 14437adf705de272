"""JSON merge patch (RFC 7386), a strategic-merge approximation and JSON patch (RFC 6902)."""
import copy

from .errors import ApiError, bad_request


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


_MERGE_KEYS = {"containers": "name", "initContainers": "name", "ephemeralContainers": "name",
               "volumes": "name", "volumeMounts": "mountPath", "env": "name", "ports": "containerPort",
               "conditions": "type", "containerStatuses": "name", "initContainerStatuses": "name",
               "imagePullSecrets": "name", "tolerations": None}


def strategic_merge_patch(target, patch, field=None):
    """Merge maps like a JSON merge patch; merge lists of objects by their patchMergeKey."""
    if isinstance(patch, list) and isinstance(target, list) and _MERGE_KEYS.get(field):
        key = _MERGE_KEYS[field]
        out = copy.deepcopy(target)
        for item in patch:
            if isinstance(item, dict) and key in item:
                if item.get("$patch") == "delete":
                    out = [o for o in out if not (isinstance(o, dict) and o.get(key) == item[key])]
                    continue
                for i, o in enumerate(out):
                    if isinstance(o, dict) and o.get(key) == item[key]:
                        out[i] = strategic_merge_patch(o, item)
                        break
                else:
                    out.append(copy.deepcopy(item))
            else:
                out.append(copy.deepcopy(item))
        return out
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            out.pop(k, None)
        else:
            out[k] = strategic_merge_patch(out.get(k), v, k)
    return out


def _pointer(path: str):
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f'the server rejected our request due to an error in our request')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        if isinstance(cur, list):
            cur = cur[int(p)]
        elif isinstance(cur, dict):
            cur = cur[p]
        else:
            raise KeyError(p)
    return cur


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in ops:
        try:
            kind = op["op"]
            parts = _pointer(op.get("path", ""))
            if kind == "test":
                if _walk(doc, parts) != op.get("value"):
                    raise ApiError(422, f"the server rejected our request due to an error in our request",
                                   "Invalid")
                continue
            if kind in ("move", "copy"):
                src = _pointer(op["from"])
                val = copy.deepcopy(_walk(doc, src))
                if kind == "move":
                    doc = _remove(doc, src)
                doc = _add(doc, parts, val)
                continue
            if kind == "remove":
                doc = _remove(doc, parts)
            elif kind == "add":
                doc = _add(doc, parts, copy.deepcopy(op.get("value")))
            elif kind == "replace":
                _walk(doc, parts)  # must exist
                doc = _remove(doc, parts)
                doc = _add(doc, parts, copy.deepcopy(op.get("value")))
            else:
                raise bad_request(f'Unexpected kind: {kind}')
        except (KeyError, IndexError, ValueError, TypeError):
            raise ApiError(422, f'the server rejected our request due to an error in our request',
                           "Invalid") from None
    return doc


def _add(doc, parts, val):
    if not parts:
        return val
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(val)
        else:
            idx = int(last)
            if idx > len(parent):
                raise IndexError(idx)
            parent.insert(idx, val)
    else:
        parent[last] = val
    return doc


def _remove(doc, parts):
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return doc
