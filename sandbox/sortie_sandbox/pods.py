"""Pod defaulting, validation, QoS, managedFields and the server-side Table printer."""
import re

from . import quantity
from .errors import invalid
from .util import human_duration, now, parse_ts, rand_suffix

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")

ADMISSION_FIELDS = ("serviceAccountName", "serviceAccount", "tolerations", "priority", "preemptionPolicy")


def validate_name(kind: str, name: str, causes: list, field="metadata.name"):
    if not name:
        causes.append(("FieldValueRequired", field, "Required value: name or generateName is required"))
    elif len(name) > 253:
        causes.append(("FieldValueInvalid", field,
                       f'Invalid value: "{name}": must be no more than 253 characters'))
    elif not DNS1123_SUBDOMAIN.match(name):
        causes.append(("FieldValueInvalid", field, f'Invalid value: "{name}": {SUBDOMAIN_MSG}'))


def generate_name(md: dict):
    if not md.get("name") and md.get("generateName"):
        md["name"] = md["generateName"] + rand_suffix(5)


def _image_pull_policy(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return "IfNotPresent"
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def _default_probe(p):
    if not isinstance(p, dict):
        return
    for k, v in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3)):
        p.setdefault(k, v)
    if "httpGet" in p:
        p["httpGet"].setdefault("path", "/")
        p["httpGet"].setdefault("scheme", "HTTP")


def _default_container(c: dict):
    res = c.setdefault("resources", {})
    if res.get("limits") and not res.get("requests"):
        res["requests"] = dict(res["limits"])
    elif res.get("limits"):
        for k, v in res["limits"].items():
            res["requests"].setdefault(k, v)
    for p in c.get("ports") or []:
        p.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(probe))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if c.get("image"):
        c.setdefault("imagePullPolicy", _image_pull_policy(c["image"]))


def apply_defaults(pod: dict):
    """SetDefaults_Pod + the admission plugins a stock cluster runs (ServiceAccount,
    DefaultTolerationSeconds, Priority)."""
    spec = pod.setdefault("spec", {})
    for c in spec.get("initContainers") or []:
        _default_container(c)
    for c in spec.get("containers") or []:
        _default_container(c)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("enableServiceLinks", True)
    for v in spec.get("volumes") or []:
        if "emptyDir" in v and v["emptyDir"] is None:
            v["emptyDir"] = {}
        if "configMap" in v and isinstance(v["configMap"], dict):
            v["configMap"].setdefault("defaultMode", 420)
        if "secret" in v and isinstance(v["secret"], dict):
            v["secret"].setdefault("defaultMode", 420)
    # admission
    sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    spec["serviceAccountName"] = sa
    spec["serviceAccount"] = sa
    if spec.get("automountServiceAccountToken") is not False:
        _mount_service_account_token(spec)
    tols = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key for t in tols):
            tols.append({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    pod["status"] = {"phase": "Pending", "qosClass": qos_class(pod)}


def _mount_service_account_token(spec: dict):
    mount_path = "/var/run/secrets/kubernetes.io/serviceaccount"
    if any(m.get("mountPath") == mount_path for c in spec.get("containers") or []
           for m in c.get("volumeMounts") or []):
        return
    name = f"kube-api-access-{rand_suffix(5)}"
    spec.setdefault("volumes", []).append({"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                       "fieldPath": "metadata.namespace"}}]}},
    ], "defaultMode": 420}})
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        c.setdefault("volumeMounts", []).append({"name": name, "readOnly": True, "mountPath": mount_path})


def validate_pod(pod: dict):
    md = pod.get("metadata") or {}
    name = md.get("name", "")
    causes: list = []
    validate_name("Pod", name, causes)
    spec = pod.get("spec") or {}
    containers = spec.get("containers")
    if not containers:
        causes.append(("FieldValueRequired", "spec.containers", "Required value"))
    seen = set()
    for field, lst in (("spec.initContainers", spec.get("initContainers") or []),
                       ("spec.containers", containers or [])):
        for i, c in enumerate(lst):
            cname = c.get("name", "")
            if not cname:
                causes.append(("FieldValueRequired", f"{field}[{i}].name", "Required value"))
            elif not DNS1123_LABEL.match(cname):
                causes.append(("FieldValueInvalid", f"{field}[{i}].name",
                               f'Invalid value: "{cname}": {LABEL_MSG}'))
            elif cname in seen:
                causes.append(("FieldValueDuplicate", f"{field}[{i}].name", f'Duplicate value: "{cname}"'))
            seen.add(cname)
            if not c.get("image"):
                causes.append(("FieldValueRequired", f"{field}[{i}].image", "Required value"))
            for kind in ("requests", "limits"):
                for rname, q in ((c.get("resources") or {}).get(kind) or {}).items():
                    try:
                        quantity.parse(q)
                    except quantity.QuantityError as e:
                        causes.append(("FieldValueInvalid", f"{field}[{i}].resources.{kind}[{rname}]",
                                       f'Invalid value: "{q}": {e}'))
    rp = spec.get("restartPolicy")
    if rp and rp not in ("Always", "OnFailure", "Never"):
        causes.append(("FieldValueNotSupported", "spec.restartPolicy",
                       f'Unsupported value: "{rp}": supported values: "Always", "OnFailure", "Never"'))
    if causes:
        raise invalid("Pod", name, causes)


def validate_pod_update(old: dict, new: dict):
    """Pod spec is mostly immutable; allow image changes and metadata changes only."""
    name = new["metadata"]["name"]
    os_, ns_ = old.get("spec", {}), new.get("spec", {})
    strip = lambda s: {k: v for k, v in s.items() if k not in ("containers", "initContainers",
                                                                  "activeDeadlineSeconds", "tolerations")}
    def cstrip(lst):
        return [{k: v for k, v in c.items() if k != "image"} for c in lst or []]
    if strip(os_) != strip(ns_) or cstrip(os_.get("containers")) != cstrip(ns_.get("containers")) \
            or cstrip(os_.get("initContainers")) != cstrip(ns_.get("initContainers")):
        raise invalid("Pod", name, [("FieldValueForbidden", "spec",
                                     "Forbidden: pod updates may not change fields other than "
                                     "`spec.containers[*].image`,`spec.initContainers[*].image`,"
                                     "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                                     "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to "
                                     "be set to 1 if it was previously negative)")])


def _sum_resources(pod: dict) -> dict:
    total: dict = {}
    spec = pod.get("spec") or {}
    for kind in ("requests", "limits"):
        for c in spec.get("containers") or []:
            for r, q in ((c.get("resources") or {}).get(kind) or {}).items():
                total[(kind, r)] = total.get((kind, r), 0) + quantity.value(q)
    return total


def qos_class(pod: dict) -> str:
    spec = pod.get("spec") or {}
    cs = (spec.get("initContainers") or []) + (spec.get("containers") or [])
    any_set = False
    guaranteed = True
    for c in cs:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            any_set = True
        for r in ("cpu", "memory"):
            if r not in lim or (r in req and quantity.value(req[r]) != quantity.value(lim[r])):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def pod_resources(pod: dict) -> dict:
    """Effective pod requests/limits {('requests','cpu'): Decimal, ...}: sum of containers and
    sidecars, at least the largest regular init container."""
    spec = pod.get("spec") or {}
    total: dict = {}

    def acc(c, into):
        for kind in ("requests", "limits"):
            for r, q in ((c.get("resources") or {}).get(kind) or {}).items():
                into[(kind, r)] = into.get((kind, r), 0) + quantity.value(q)

    for c in spec.get("containers") or []:
        acc(c, total)
    for c in spec.get("initContainers") or []:
        if c.get("restartPolicy") == "Always":
            acc(c, total)
    for c in spec.get("initContainers") or []:
        if c.get("restartPolicy") != "Always":
            one: dict = {}
            acc(c, one)
            for k, v in one.items():
                if v > total.get(k, 0):
                    total[k] = v
    return total


def allocated_resources(c: dict) -> dict:
    return dict((c.get("resources") or {}).get("requests") or {})


# ---- managedFields -------------------------------------------------------------------------------
def _fields(v, top=False):
    if isinstance(v, dict):
        out = {} if top else {".": {}}
        for k, sub in v.items():
            out[f"f:{k}"] = _fields(sub)
        if not v and not top:
            return {}
        return out
    if isinstance(v, list) and v and all(isinstance(i, dict) and "name" in i for i in v):
        out = {}
        for i in v:
            key = 'k:{"name":"%s"}' % i["name"]
            out[key] = _fields(i)
        return out
    return {}


def managed_fields(obj: dict, manager: str, api_version: str, skip_spec=(), subresource=None) -> dict:
    fv = {}
    md = obj.get("metadata") or {}
    mdf = {}
    for k in ("labels", "annotations", "finalizers", "ownerReferences"):
        if md.get(k):
            mdf[f"f:{k}"] = _fields(md[k]) if k != "finalizers" else {}
    if mdf:
        fv["f:metadata"] = mdf
    for top in ("spec", "status", "data"):
        if isinstance(obj.get(top), dict) and obj[top]:
            sub = {k: v for k, v in obj[top].items() if k not in skip_spec}
            if sub:
                fv[f"f:{top}"] = _fields(sub, top=True)
    entry = {"manager": manager, "operation": "Update", "apiVersion": api_version, "time": None,
             "fieldsType": "FieldsV1", "fieldsV1": fv}
    if subresource:
        entry["subresource"] = subresource
    return entry


# ---- status helpers ------------------------------------------------------------------------------
def pod_status_reason(pod: dict) -> str:
    """The STATUS column, as kubectl's printPod."""
    st = pod.get("status") or {}
    reason = st.get("phase", "Pending")
    if st.get("reason"):
        reason = st["reason"]
    init = False
    spec = pod.get("spec") or {}
    n_init = len(spec.get("initContainers") or [])
    for i, cs in enumerate(st.get("initContainerStatuses") or []):
        state = cs.get("state") or {}
        if state.get("terminated", {}).get("exitCode") == 0:
            continue
        if "running" in state and cs.get("started"):
            continue
        if "terminated" in state:
            reason = "Init:" + (state["terminated"].get("reason") or f"ExitCode:{state['terminated'].get('exitCode')}")
            init = True
        elif "waiting" in state and state["waiting"].get("reason") not in (None, "", "PodInitializing"):
            reason = "Init:" + state["waiting"]["reason"]
            init = True
        else:
            reason = f"Init:{i}/{n_init}"
            init = True
        break
    if not init:
        has_running = False
        for cs in reversed(st.get("containerStatuses") or []):
            state = cs.get("state") or {}
            if state.get("waiting", {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif state.get("terminated", {}).get("reason"):
                reason = state["terminated"]["reason"]
            elif "terminated" in state:
                t = state["terminated"]
                reason = f"Signal:{t['signal']}" if t.get("signal") else f"ExitCode:{t.get('exitCode')}"
            elif "running" in state and cs.get("ready"):
                has_running = True
        if reason == "Completed" and has_running:
            reason = "Running"
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        reason = "Unknown" if st.get("reason") == "NodeLost" else "Terminating"
    return reason


def is_ready(pod: dict) -> bool:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


POD_COLUMNS = [
    ("Name", "string", "name", "Name must be unique within a namespace. Is required when creating resources, "
     "although some resources may allow a client to request the generation of an appropriate name "
     "automatically. Name is primarily intended for creation idempotence and configuration definition. "
     "Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", 0),
    ("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0),
    ("Status", "string", "", "The aggregate status of the containers in this pod.", 0),
    ("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when "
     "the last container in this pod has restarted.", 0),
    ("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was "
     "created. It is not guaranteed to be set in happens-before order across separate operations. Clients may "
     "not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
     "Read-only. Null for lists. More info: "
     "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", 0),
    ("IP", "string", "", "IP address allocated to the pod. Routable at least within the cluster. Empty if not "
     "yet allocated.", 1),
    ("Node", "string", "", "NodeName indicates in which node this pod is scheduled.", 1),
    ("Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the "
     "node, but it cannot schedule right away as preemption victims receive their graceful termination "
     "periods.", 1),
    ("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
]


def column_definitions(columns):
    return [{"name": n, "type": t, "format": f, "description": d, "priority": p} for n, t, f, d, p in columns]


def age(obj: dict) -> str:
    ct = (obj.get("metadata") or {}).get("creationTimestamp")
    if not ct:
        return "<unknown>"
    return human_duration((now() - parse_ts(ct)).total_seconds())


def pod_row_cells(pod: dict) -> list:
    st = pod.get("status") or {}
    css = st.get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    ready = sum(1 for c in css if c.get("ready"))
    restarts = sum(c.get("restartCount", 0) for c in css)
    last_restart = None
    for c in css:
        t = ((c.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        if t and (last_restart is None or t > last_restart):
            last_restart = t
    restarts_s = str(restarts)
    if restarts and last_restart:
        restarts_s = f"{restarts} ({human_duration((now() - parse_ts(last_restart)).total_seconds())} ago)"
    gates = (pod.get("spec") or {}).get("readinessGates") or []
    return [pod["metadata"]["name"], f"{ready}/{total}", pod_status_reason(pod), restarts_s, age(pod),
            st.get("podIP") or "<none>", (pod.get("spec") or {}).get("nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>",
            "<none>" if not gates else f"{0}/{len(gates)}"]
