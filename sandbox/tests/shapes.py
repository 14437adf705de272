"""Recursive key-structure comparison between a recorded real-server object and a sandbox object."""
import fnmatch

# maps whose keys are data, not schema
FREE_MAPS = ("*.labels", "*.annotations", "*.fieldsV1", "*.hard", "*.used", "*.limits", "*.requests",
             "*.allocatedResources", "*.nodeSelector")


def _kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def shape_diff(want, got, path="", ignore=()):
    if any(fnmatch.fnmatch(path, pat) for pat in tuple(ignore)):
        return []
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path}: want object, got {_kind(got)}"]
        if any(fnmatch.fnmatch(path, pat) for pat in FREE_MAPS):
            return []
        out = [f"{path}.{k}: missing" for k in want if k not in got]
        out += [f"{path}.{k}: unexpected" for k in got if k not in want]
        for k in want:
            if k in got:
                out += shape_diff(want[k], got[k], f"{path}.{k}", ignore)
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{path}: want list, got {_kind(got)}"]
        if want and got:
            return shape_diff(want[0], got[0], f"{path}[]", ignore)
        return []
    if _kind(want) != _kind(got):
        return [f"{path}: want {_kind(want)}, got {_kind(got)}"]
    return []


def assert_same_shape(want, got, ignore=()):
    diffs = shape_diff(want, got, "", ignore)
    assert not diffs, "shape differs from the real server:\n  " + "\n  ".join(diffs)
