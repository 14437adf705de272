"""Shared server state: the store, runtime settings, namespaces, events, pod IPs and logs."""
import asyncio
import dataclasses
import time

from .store import Store
from .util import micro_ts, new_uid, rand_hex, ts

NODE = "sandbox-node"
HOST_IP = "127.0.0.1"
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease", "sortie")


@dataclasses.dataclass
class Settings:
    ready_delay: float = 1.0
    termination_delay: float = 0.2
    bookmark_interval: float = 5.0
    pod_security: str = "privileged"
    forwards: dict = dataclasses.field(default_factory=dict)  # pod port -> (host, port)
    history_window: int = 1000


class Cluster:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(window=settings.history_window)
        self.kubelet = None  # set by kubelet.Kubelet
        self._next_ip = 2
        self.logs: dict[tuple[str, str], list[str]] = {}
        self.log_waiters: dict[str, asyncio.Event] = {}
        self.started = time.time()

    # ---- namespaces --------------------------------------------------------------------------
    def ensure_namespace(self, name: str, labels: dict | None = None, manager="kube-apiserver"):
        if self.store.get("namespaces", "", name):
            return
        lab = {"kubernetes.io/metadata.name": name}
        lab.update(labels or {})
        t = ts()
        obj = {"kind": "Namespace", "apiVersion": "v1",
               "metadata": {"name": name, "uid": new_uid(), "creationTimestamp": t, "labels": lab,
                            "managedFields": [{"manager": manager, "operation": "Update", "apiVersion": "v1",
                                               "time": t, "fieldsType": "FieldsV1",
                                               "fieldsV1": {"f:metadata": {"f:labels": {
                                                   ".": {}, **{f"f:{k}": {} for k in lab}}}}}]},
               "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        self.store.create("namespaces", obj)

    # ---- pod helpers -------------------------------------------------------------------------
    def alloc_pod_ip(self) -> str:
        n = self._next_ip
        self._next_ip += 1
        return f"127.1.{(n >> 8) & 255}.{n & 255}"

    def mutate_pod(self, ns, name, uid, fn):
        """Copies the pod, applies fn, stores it (MODIFIED). No-op if the pod is gone/replaced.

        Only the pod, its metadata and its spec are copied (not a deep copy: that was most of the
        sandbox's CPU time per pod): fn may set keys of those three dicts and replace whole
        sub-objects (status), but must not change anything nested in place."""
        cur = self.store.get("pods", ns, name)
        if cur is None or cur["metadata"]["uid"] != uid:
            return None
        pod = dict(cur)
        pod["metadata"] = dict(cur["metadata"])
        if "spec" in cur:
            pod["spec"] = dict(cur["spec"])
        if fn(pod) is False:
            return None
        return self.store.update("pods", pod)

    # ---- events ------------------------------------------------------------------------------
    def record_event(self, pod: dict, reason: str, message: str, type_: str = "Normal",
                     field_path: str | None = None, component: str = "kubelet", action: str | None = None):
        md = pod["metadata"]
        t = ts()
        inv = {"kind": "Pod", "namespace": md["namespace"], "name": md["name"], "uid": md["uid"],
               "apiVersion": "v1", "resourceVersion": md.get("resourceVersion", "")}
        if field_path:
            inv["fieldPath"] = field_path
        name = f"{md['name']}.{format(time.time_ns(), 'x')[-16:]}"
        while self.store.get("events", md["namespace"], name):
            name = f"{md['name']}.{rand_hex(16)}"
        if component == "default-scheduler":
            ev = {"metadata": {"name": name, "namespace": md["namespace"], "uid": new_uid(),
                               "creationTimestamp": t,
                               "managedFields": [{"manager": "kube-scheduler", "operation": "Update",
                                                  "apiVersion": "events.k8s.io/v1", "time": t,
                                                  "fieldsType": "FieldsV1", "fieldsV1": {
                                                      "f:action": {}, "f:eventTime": {}, "f:note": {},
                                                      "f:reason": {}, "f:regarding": {},
                                                      "f:reportingController": {}, "f:reportingInstance": {},
                                                      "f:type": {}}}]},
                  "involvedObject": inv, "reason": reason, "message": message, "source": {},
                  "firstTimestamp": None, "lastTimestamp": None, "type": type_, "eventTime": micro_ts(),
                  "action": action or "Scheduling", "reportingComponent": "default-scheduler",
                  "reportingInstance": f"default-scheduler-{NODE}"}
        else:
            ev = {"metadata": {"name": name, "namespace": md["namespace"], "uid": new_uid(),
                               "creationTimestamp": t,
                               "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                                                  "time": t, "fieldsType": "FieldsV1", "fieldsV1": {
                                                      "f:count": {}, "f:firstTimestamp": {},
                                                      "f:involvedObject": {}, "f:lastTimestamp": {},
                                                      "f:message": {}, "f:reason": {},
                                                      "f:reportingComponent": {}, "f:reportingInstance": {},
                                                      "f:source": {"f:component": {}, "f:host": {}},
                                                      "f:type": {}}}]},
                  "involvedObject": inv, "reason": reason, "message": message,
                  "source": {"component": component, "host": NODE}, "firstTimestamp": t, "lastTimestamp": t,
                  "count": 1, "type": type_, "eventTime": None, "reportingComponent": component,
                  "reportingInstance": NODE}
        self.store.create("events", ev)
        return ev

    # ---- logs --------------------------------------------------------------------------------
    def append_log(self, uid: str, container: str, line: str):
        self.logs.setdefault((uid, container), []).append(f"{micro_ts()} {line}")
        ev = self.log_waiters.pop(uid, None)
        if ev:
            ev.set()

    def log_event(self, uid: str) -> asyncio.Event:
        ev = self.log_waiters.get(uid)
        if ev is None:
            ev = self.log_waiters[uid] = asyncio.Event()
        return ev

    def counts_by_phase(self) -> dict:
        out: dict = {}
        for p in self.store.list("pods"):
            ph = p.get("status", {}).get("phase", "Pending")
            out[ph] = out.get(ph, 0) + 1
        return out
