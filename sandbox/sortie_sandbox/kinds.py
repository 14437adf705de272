"""The resource kinds the sandbox serves and their per-kind behaviour (defaults, validation,
admission, status controllers, deletion semantics)."""
import asyncio

from . import podsecurity, quota
from .errors import invalid
from .pods import apply_defaults, validate_name, validate_pod, validate_pod_update
from .util import now, ts


class Kind:
    group = ""
    version = "v1"
    namespaced = True
    has_status = False
    generation = False
    short_names: list = []
    categories: list = []
    singular = ""
    verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    graceful = False

    def __init__(self, cluster):
        self.cluster = cluster

    @property
    def api_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self):
        return self.kind + "List"

    def validate(self, obj):
        causes = []
        validate_name(self.kind, obj["metadata"].get("name", ""), causes)
        if causes:
            raise invalid(self.kind, obj["metadata"].get("name", ""), causes, self.group or None)

    def prepare_create(self, obj, ns):
        self.validate(obj)

    def after_create(self, obj):
        pass

    def prepare_update(self, old, new):
        self.validate(new)

    def after_update(self, obj):
        pass

    def delete(self, obj, grace, dry_run):
        """Returns (http code, body). Default: removed at once, answered with a Status."""
        md = obj["metadata"]
        if not dry_run:
            self.cluster.store.delete(self.resource, md.get("namespace", ""), md["name"])
        details = {"name": md["name"]}
        if self.group:
            details["group"] = self.group
        details["kind"] = self.resource
        details["uid"] = md["uid"]
        return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                     "details": details}


class Pods(Kind):
    resource, kind, singular = "pods", "Pod", "pod"
    has_status = True
    generation = True
    short_names = ["po"]
    categories = ["all"]

    def prepare_create(self, obj, ns):
        apply_defaults(obj)
        validate_pod(obj)
        ns_obj = self.cluster.store.get("namespaces", "", ns)
        podsecurity.admit(obj, podsecurity.namespace_level(ns_obj, self.cluster.settings.pod_security))
        store = self.cluster.store
        quotas = store.list("resourcequotas", ns)
        if quotas:  # the pods of the namespace are only needed to add up usage
            quota.admit(obj, quotas, store.list("pods", ns))

    def after_create(self, obj):
        if self.cluster.kubelet:
            self.cluster.kubelet.pod_created(obj)

    def prepare_update(self, old, new):
        validate_pod(new)
        validate_pod_update(old, new)

    def delete(self, obj, grace, dry_run):
        store = self.cluster.store
        md = obj["metadata"]
        if grace is None:
            grace = obj["spec"].get("terminationGracePeriodSeconds", 30)
        if not obj["spec"].get("nodeName") or (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            grace = 0
        if dry_run:
            return 200, obj
        if grace <= 0:
            gone = store.delete("pods", md["namespace"], md["name"])
            if self.cluster.kubelet:
                self.cluster.kubelet.pod_removed(md["uid"])
            return 200, gone
        if md.get("deletionTimestamp") and md.get("deletionGracePeriodSeconds", grace) <= grace:
            return 200, obj
        import datetime
        new = dict(obj, metadata=dict(obj["metadata"]))  # only metadata changes (see store.py)
        nmd = new["metadata"]
        nmd["deletionTimestamp"] = ts(now() + datetime.timedelta(seconds=grace))
        nmd["deletionGracePeriodSeconds"] = grace
        if not md.get("deletionTimestamp"):
            nmd["generation"] = nmd.get("generation", 1) + 1
        new = store.update("pods", new)
        if self.cluster.kubelet:
            self.cluster.kubelet.pod_deleting(new, min(grace, self.cluster.settings.termination_delay))
        return 200, new


class Events(Kind):
    resource, kind, singular = "events", "Event", "event"
    short_names = ["ev"]

    def validate(self, obj):
        causes = []
        validate_name("Event", obj["metadata"].get("name", ""), causes)
        if not (obj.get("involvedObject") or {}).get("name") and not obj.get("regarding"):
            pass
        if causes:
            raise invalid("Event", obj["metadata"].get("name", ""), causes)


class ResourceQuotas(Kind):
    resource, kind, singular = "resourcequotas", "ResourceQuota", "resourcequota"
    has_status = True
    short_names = ["quota"]

    def __init__(self, cluster):
        super().__init__(cluster)
        self._pending: set[str] = set()
        cluster.store.listeners.append(self._on_change)

    def validate(self, obj):
        from . import quantity
        super().validate(obj)
        causes = []
        for k, v in ((obj.get("spec") or {}).get("hard") or {}).items():
            try:
                quantity.parse(v)
            except quantity.QuantityError as e:
                causes.append(("FieldValueInvalid", f"spec.hard[{k}]", f'Invalid value: "{v}": {e}'))
        if causes:
            raise invalid("ResourceQuota", obj["metadata"]["name"], causes)

    def prepare_create(self, obj, ns):
        self.validate(obj)
        obj["status"] = {}

    def after_create(self, obj):
        self._schedule(obj["metadata"]["namespace"])

    def after_update(self, obj):
        self._schedule(obj["metadata"]["namespace"])

    def _on_change(self, ch):
        # (no quota anywhere, the usual case: nothing to recompute on the many kubelet pod writes)
        if ch.resource == "pods" and self.cluster.store.objects["resourcequotas"]:
            self._schedule(ch.obj["metadata"]["namespace"])

    def _schedule(self, ns):
        if ns in self._pending:
            return
        self._pending.add(ns)
        try:
            asyncio.get_running_loop().call_soon(self._recompute, ns)
        except RuntimeError:
            self._recompute(ns)

    def _recompute(self, ns):
        self._pending.discard(ns)
        store = self.cluster.store
        quotas = store.list("resourcequotas", ns)
        if not quotas:  # the usual case: don't list (sort) every pod of the namespace for nothing
            return
        pods = store.list("pods", ns)
        for q in quotas:
            st = quota.status_for(q, pods)
            if q.get("status") != st:
                nq = dict(q, metadata=dict(q["metadata"]))  # new status and managedFields (see store.py)
                nq["status"] = st
                mf = [m for m in nq["metadata"].get("managedFields", []) if m.get("subresource") != "status"]
                mf.insert(0, {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                              "time": ts(), "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {
                                  "f:hard": {".": {}, **{f"f:{k}": {} for k in st["hard"]}},
                                  "f:used": {".": {}, **{f"f:{k}": {} for k in st["used"]}}}},
                              "subresource": "status"})
                nq["metadata"]["managedFields"] = mf
                store.update("resourcequotas", nq)


class Namespaces(Kind):
    resource, kind, singular = "namespaces", "Namespace", "namespace"
    namespaced = False
    has_status = True
    short_names = ["ns"]
    verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]

    def validate(self, obj):
        from .pods import DNS1123_LABEL, LABEL_MSG
        name = obj["metadata"].get("name", "")
        if not name:
            raise invalid("Namespace", name, [("FieldValueRequired", "metadata.name",
                                                "Required value: name or generateName is required")])
        if not DNS1123_LABEL.match(name) or len(name) > 63:
            raise invalid("Namespace", name, [("FieldValueInvalid", "metadata.name",
                                                f'Invalid value: "{name}": {LABEL_MSG}')])

    def prepare_create(self, obj, ns):
        self.validate(obj)
        md = obj["metadata"]
        md.setdefault("labels", {})["kubernetes.io/metadata.name"] = md["name"]
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}

    def delete(self, obj, grace, dry_run):
        if dry_run:
            return 200, obj
        store = self.cluster.store
        md = obj["metadata"]
        if md.get("deletionTimestamp"):
            return 200, obj
        new = dict(obj, metadata=dict(obj["metadata"]))  # new deletionTimestamp and status (see store.py)
        new["metadata"]["deletionTimestamp"] = ts()
        new["status"] = {"phase": "Terminating"}
        new = store.update("namespaces", new)
        asyncio.get_running_loop().call_later(0.1, self._finalize, md["name"], md["uid"])
        return 200, new

    def _finalize(self, name, uid):
        store = self.cluster.store
        for res in ("pods", "events", "resourcequotas", "leases"):
            for o in store.list(res, name):
                store.delete(res, name, o["metadata"]["name"])
                if res == "pods" and self.cluster.kubelet:
                    self.cluster.kubelet.pod_removed(o["metadata"]["uid"])
        cur = store.get("namespaces", "", name)
        if cur and cur["metadata"]["uid"] == uid:
            store.delete("namespaces", "", name)


class Leases(Kind):
    resource, kind, singular = "leases", "Lease", "lease"
    group = "coordination.k8s.io"

    def validate(self, obj):
        super().validate(obj)
        spec = obj.get("spec") or {}
        causes = []
        lds = spec.get("leaseDurationSeconds")
        if lds is not None and (not isinstance(lds, int) or lds <= 0):
            causes.append(("FieldValueInvalid", "spec.leaseDurationSeconds",
                           f"Invalid value: {lds}: must be greater than 0"))
        lt = spec.get("leaseTransitions")
        if lt is not None and (not isinstance(lt, int) or lt < 0):
            causes.append(("FieldValueInvalid", "spec.leaseTransitions",
                           f"Invalid value: {lt}: must be greater than or equal to 0"))
        if causes:
            raise invalid("Lease", obj["metadata"]["name"], causes, "coordination.k8s.io")


def all_kinds(cluster):
    return [Pods(cluster), Events(cluster), ResourceQuotas(cluster), Namespaces(cluster), Leases(cluster)]
