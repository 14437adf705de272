"""The simulated scheduler + kubelet: takes each pod through Pending -> scheduled -> containers
pulled/created/started -> Running/Ready, with failure injection (pullfail, crash, unschedulable,
dies-after-ready, never-ready) and graceful termination."""
import asyncio
import hashlib
import time

from .cluster import HOST_IP, NODE
from .pods import allocated_resources
from .util import ts

BEHAVIOR_ANNOTATION = "sandbox.sortie.io/behavior"
DIE_AFTER_ANNOTATION = "sandbox.sortie.io/die-after"
BEHAVIORS = ("pullfail", "crash", "unschedulable", "dies-after-ready", "never-ready")


def behaviors_of(pod: dict) -> dict:
    """Returns {container name: behavior} plus key None for pod-wide behaviors."""
    ann = (pod["metadata"].get("annotations") or {}).get(BEHAVIOR_ANNOTATION)
    out = {}
    if ann in BEHAVIORS:
        out[None] = ann
    spec = pod.get("spec") or {}
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for b in BEHAVIORS:
            if b in (c.get("image") or ""):
                out[c["name"]] = b
                out.setdefault(None, b)
                break
    return out


def _digest(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def _cond(type_, status, gen, t, reason=None, message=None):
    c = {"type": type_, "observedGeneration": gen, "status": status, "lastProbeTime": None,
         "lastTransitionTime": t}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def pull_error(image: str) -> str:
    ref = image if "/" in image.split(":")[0] and "." in image.split("/")[0] else f"docker.io/library/{image}"
    host, _, rest = ref.partition("/")
    repo, _, tag = rest.rpartition(":") if ":" in rest else (rest, "", "latest")
    return (f'failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": failed to do request: '
            f'Head "https://{host}/v2/{repo}/manifests/{tag or "latest"}": dial tcp: lookup {host} on '
            f'10.255.255.53:53: no such host')


class PodRun:
    """Everything the kubelet tracks for one pod."""

    def __init__(self, pod):
        md = pod["metadata"]
        self.ns, self.name, self.uid = md["namespace"], md["name"], md["uid"]
        self.spec = pod["spec"]
        self.c = {}  # container name -> status dict (without name/image)
        self.conds = {}
        self.ip = None
        self.start_time = None
        self.phase = "Pending"
        self.reason = None
        self.message = None
        self.task: asyncio.Task | None = None

    def init_names(self):
        return [c["name"] for c in self.spec.get("initContainers") or []]

    def containers(self):
        return self.spec.get("containers") or []

    def all_containers(self):
        return (self.spec.get("initContainers") or []) + self.containers()


class Kubelet:
    def __init__(self, cluster):
        self.cluster = cluster
        cluster.kubelet = self
        self.runs: dict[str, PodRun] = {}
        self._hb_task = None

    def start_heartbeat(self):
        self._hb_task = asyncio.get_running_loop().create_task(self._heartbeat())

    async def _heartbeat(self):
        n = 0
        while True:
            await asyncio.sleep(2.0)
            n += 1
            for run in list(self.runs.values()):
                for name, st in run.c.items():
                    if "running" in st.get("state", {}):
                        self.cluster.append_log(run.uid, name, f"sandbox: {name} heartbeat {n}")

    # ---- lifecycle entry points ----------------------------------------------------------------
    def pod_created(self, pod: dict):
        run = PodRun(pod)
        self.runs[run.uid] = run
        run.task = asyncio.get_running_loop().create_task(self._lifecycle(run, time.monotonic()))

    def pod_deleting(self, pod: dict, delay: float):
        run = self.runs.get(pod["metadata"]["uid"])
        if run and run.task:
            run.task.cancel()
        asyncio.get_running_loop().create_task(self._terminate(pod, run, delay))

    def pod_removed(self, uid: str):
        run = self.runs.pop(uid, None)
        if run and run.task:
            run.task.cancel()
        # the pod's logs stay in cluster.logs: a follower woken below still sends its last lines
        ev = self.cluster.log_waiters.pop(uid, None)
        if ev:
            ev.set()

    # ---- status rendering -------------------------------------------------------------------------
    def _write(self, run: PodRun, extra=None):
        c = self.cluster

        def fn(pod):
            if pod["metadata"].get("deletionTimestamp") and extra != "terminating":
                return False
            gen = pod["metadata"].get("generation", 1)
            st = {"observedGeneration": gen, "phase": run.phase}
            if run.conds:
                order = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
                conds = [dict(run.conds[k], observedGeneration=gen) for k in order if k in run.conds]
                if list(run.conds) == ["PodScheduled"]:
                    conds = [{k: v for k, v in run.conds["PodScheduled"].items() if k != "observedGeneration"}]
                    st.pop("observedGeneration")
                st["conditions"] = conds
            if run.reason:
                st["reason"] = run.reason
            if run.message:
                st["message"] = run.message
            if run.start_time:
                st["hostIP"] = HOST_IP
                st["hostIPs"] = [{"ip": HOST_IP}]
                if run.ip:
                    st["podIP"] = run.ip
                    st["podIPs"] = [{"ip": run.ip}]
                st["startTime"] = run.start_time
                inits = [self._cstatus(run, ic) for ic in run.spec.get("initContainers") or []]
                if inits:
                    st["initContainerStatuses"] = inits
                st["containerStatuses"] = [self._cstatus(run, cc) for cc in run.containers()]
            st["qosClass"] = pod.get("status", {}).get("qosClass", "BestEffort")
            alloc, res = {}, {"limits": {}, "requests": {}}
            for cc in run.containers():
                alloc.update(allocated_resources(cc))
                for k in ("limits", "requests"):
                    res[k].update((cc.get("resources") or {}).get(k) or {})
            if run.start_time and alloc and len(run.containers()) == 1:
                st["allocatedResources"] = alloc
                st["resources"] = {k: v for k, v in res.items() if v}
            if "conditions" in st and list(run.conds) == ["PodScheduled"] and run.phase == "Pending":
                pass
            pod["status"] = st
            if run.conds.get("PodScheduled", {}).get("status") == "True":
                pod["spec"]["nodeName"] = NODE
        return c.mutate_pod(run.ns, run.name, run.uid, fn)

    def _cstatus(self, run, spec_c):
        s = run.c.get(spec_c["name"]) or {"state": {"waiting": {"reason": "ContainerCreating"}}}
        out = {"name": spec_c["name"], "state": s["state"], "lastState": s.get("lastState", {}),
               "ready": s.get("ready", False), "restartCount": s.get("restartCount", 0),
               "image": spec_c.get("image", ""), "imageID": s.get("imageID", "")}
        if s.get("containerID"):
            out["containerID"] = s["containerID"]
        out["started"] = s.get("started", False)
        if s.get("containerID") and (spec_c.get("restartPolicy") == "Always" or
                                     spec_c["name"] not in run.init_names()):
            alloc = allocated_resources(spec_c)
            if alloc:
                out["allocatedResources"] = alloc
            res = {k: v for k, v in (spec_c.get("resources") or {}).items() if k in ("limits", "requests") and v}
            if res:
                out["resources"] = res
        return out

    # ---- the lifecycle ------------------------------------------------------------------------
    async def _lifecycle(self, run: PodRun, t0: float):
        try:
            await self._lifecycle_inner(run, t0)
        except asyncio.CancelledError:
            pass

    async def _until(self, t0, frac):
        delay = t0 + frac * self.cluster.settings.ready_delay - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _pod(self, run):
        return self.cluster.store.get("pods", run.ns, run.name)

    async def _lifecycle_inner(self, run: PodRun, t0: float):
        c = self.cluster
        pod = self._pod(run)
        beh = behaviors_of(pod)
        pod_beh = beh.get(None)
        await self._until(t0, 0.1)
        t = ts()
        if pod_beh == "unschedulable":
            run.conds["PodScheduled"] = {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                         "lastTransitionTime": t, "reason": "Unschedulable",
                                         "message": "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 "
                                                    "nodes are available: 1 No preemption victims found for "
                                                    "incoming pod."}
            p = self._write(run)
            if p:
                c.record_event(p, "FailedScheduling", run.conds["PodScheduled"]["message"], "Warning",
                               component="default-scheduler", action="Scheduling")
            return
        run.conds["PodScheduled"] = {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                     "lastTransitionTime": t}
        p = self._write(run)
        if not p:
            return
        c.record_event(p, "Scheduled", f"Successfully assigned {run.ns}/{run.name} to {NODE}",
                       component="default-scheduler", action="Binding")
        await self._until(t0, 0.2)
        t = ts()
        run.start_time = t
        inits = run.spec.get("initContainers") or []
        regular_inits = [ic for ic in inits if ic.get("restartPolicy") != "Always"]
        not_ready = [cc["name"] for cc in run.containers()]
        run.conds["PodReadyToStartContainers"] = _cond("PodReadyToStartContainers", "False", 1, t)
        if regular_inits:
            names = ", ".join(ic["name"] for ic in regular_inits)
            run.conds["Initialized"] = _cond("Initialized", "False", 1, t, "ContainersNotInitialized",
                                             f"containers with incomplete status: [{names}]")
        else:
            run.conds["Initialized"] = _cond("Initialized", "True", 1, t)
        unready_msg = f"containers with unready status: [{' '.join(not_ready)}]"
        run.conds["Ready"] = _cond("Ready", "False", 1, t, "ContainersNotReady", unready_msg)
        run.conds["ContainersReady"] = _cond("ContainersReady", "False", 1, t, "ContainersNotReady", unready_msg)
        for ic in inits:
            run.c[ic["name"]] = {"state": {"waiting": {"reason": "PodInitializing"}}}
        for cc in run.containers():
            run.c[cc["name"]] = {"state": {"waiting": {"reason": "PodInitializing" if inits else "ContainerCreating"}}}
        p = self._write(run)
        if not p:
            return
        await self._until(t0, 0.3)
        run.ip = c.alloc_pod_ip()
        run.conds["PodReadyToStartContainers"] = _cond("PodReadyToStartContainers", "True", 1, ts())
        # containers: init containers in order, then the app containers
        failed = False
        for i, ic in enumerate(inits):
            ok = await self._start_container(run, ic, f"spec.initContainers{{{ic['name']}}}", beh, t0, 0.3)
            if not ok:
                failed = True
                break
            if ic.get("restartPolicy") != "Always":
                st = run.c[ic["name"]]
                st["state"] = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": ts(),
                                              "finishedAt": ts(), "containerID": st["containerID"]}}
                st["ready"], st["started"] = False, False
            else:
                st = run.c[ic["name"]]
                st["ready"] = True
        if failed:
            self._write(run)
            return
        if inits:
            run.conds["Initialized"] = _cond("Initialized", "True", 1, ts())
            for cc in run.containers():
                run.c[cc["name"]] = {"state": {"waiting": {"reason": "ContainerCreating"}}}
            self._write(run)
        await self._until(t0, 0.5)
        any_failed = False
        for cc in run.containers():
            ok = await self._start_container(run, cc, f"spec.containers{{{cc['name']}}}", beh, t0, 0.5)
            any_failed = any_failed or not ok
        if any_failed:
            self._write(run)
            return
        has_probe = any(cc.get("readinessProbe") for cc in run.containers())
        if has_probe and pod_beh not in ("crash",):
            run.phase = "Running"
            self._write(run)
        await self._until(t0, 1.0)
        t = ts()
        run.phase = "Running"
        crash = [cc for cc in run.containers() if beh.get(cc["name"]) == "crash" or pod_beh == "crash"]
        if crash:
            await self._crash(run, crash)
            return
        if pod_beh == "never-ready":
            self._write(run)
            return
        for cc in run.containers():
            run.c[cc["name"]]["ready"] = True
        self._set_ready(run, True, t)
        p = self._write(run)
        if not p:
            return
        if pod_beh == "dies-after-ready":
            try:
                after = float((p["metadata"].get("annotations") or {}).get(DIE_AFTER_ANNOTATION, "1"))
            except ValueError:
                after = 1.0
            await asyncio.sleep(after)
            self._fail(run, exit_code=1, reason="Error")
            self._write(run)

    def _set_ready(self, run, ready: bool, t, reason="ContainersNotReady", message=None):
        if ready:
            run.conds["Ready"] = _cond("Ready", "True", 1, t)
            run.conds["ContainersReady"] = _cond("ContainersReady", "True", 1, t)
        else:
            old = run.conds.get("Ready", {})
            tt = old.get("lastTransitionTime", t) if old.get("status") == "False" else t
            run.conds["Ready"] = _cond("Ready", "False", 1, tt, reason, message)
            run.conds["ContainersReady"] = _cond("ContainersReady", "False", 1, tt, reason, message)

    async def _start_container(self, run, spec_c, field_path, beh, t0, frac) -> bool:
        c = self.cluster
        name, image = spec_c["name"], spec_c.get("image", "")
        pod = self._pod(run)
        if pod is None:
            raise asyncio.CancelledError()
        if beh.get(name) == "pullfail" or (beh.get(None) == "pullfail" and not any(k for k in beh if k)):
            c.record_event(pod, "Pulling", f'Pulling image "{image}"', field_path=field_path)
            msg = pull_error(image)
            c.record_event(pod, "Failed", f'Failed to pull image "{image}": {msg}', "Warning", field_path)
            c.record_event(pod, "Failed", "Error: ErrImagePull", "Warning", field_path)
            run.c[name] = {"state": {"waiting": {"reason": "ErrImagePull", "message": msg}}}
            self._write(run)
            asyncio.get_running_loop().create_task(self._backoff(run, name, image, field_path, msg))
            return False
        c.record_event(pod, "Pulling", f'Pulling image "{image}"', field_path=field_path)
        c.record_event(pod, "Pulled", f'Successfully pulled image "{image}" in 412ms (412ms including waiting). '
                                      f'Image size: 31457280 bytes.', field_path=field_path)
        cid = "containerd://" + _digest(run.uid + name + str(time.time()))
        c.record_event(pod, "Created", "Container created", field_path=field_path)
        c.record_event(pod, "Started", "Container started", field_path=field_path)
        run.c[name] = {"state": {"running": {"startedAt": ts()}}, "lastState": {}, "ready": False,
                       "restartCount": 0, "imageID": "sha256:" + _digest(image), "containerID": cid,
                       "started": True}
        for line in (f"sandbox: starting container {name} (image {image})",
                     f"sandbox: command {spec_c.get('command') or ['<image entrypoint>']} args {spec_c.get('args') or []}",
                     f"sandbox: container {name} is up on {run.ip}"):
            c.append_log(run.uid, name, line)
        return True

    async def _backoff(self, run, name, image, field_path, msg):
        await asyncio.sleep(min(0.5, max(0.05, self.cluster.settings.ready_delay)))
        pod = self._pod(run)
        if pod is None or pod["metadata"]["uid"] != run.uid or pod["metadata"].get("deletionTimestamp"):
            return
        self.cluster.record_event(pod, "BackOff", f'Back-off pulling image "{image}"', "Normal", field_path)
        self.cluster.record_event(pod, "Failed", "Error: ImagePullBackOff", "Warning", field_path)
        run.c[name] = {"state": {"waiting": {"reason": "ImagePullBackOff",
                                             "message": f'Back-off pulling image "{image}": ErrImagePull: {msg}'}}}
        self._write(run)

    async def _crash(self, run, crash):
        c = self.cluster
        t = ts()
        pod = self._pod(run)
        never = run.spec.get("restartPolicy") == "Never"
        for cc in crash:
            st = run.c[cc["name"]]
            term = {"exitCode": 1, "reason": "Error", "startedAt": st["state"]["running"]["startedAt"],
                    "finishedAt": t, "containerID": st["containerID"]}
            c.append_log(run.uid, cc["name"], "sandbox: fatal error: simulated crash, exiting with status 1")
            if never:
                st.update(state={"terminated": term}, ready=False, started=False)
            else:
                st.update(state={"waiting": {"reason": "CrashLoopBackOff",
                                             "message": f"back-off 10s restarting failed container={cc['name']} "
                                                        f"pod={run.name}_{run.ns}({run.uid})"}},
                          lastState={"terminated": term}, ready=False, started=False,
                          restartCount=st.get("restartCount", 0) + 1)
                c.record_event(pod, "BackOff", f"Back-off restarting failed container {cc['name']} in pod "
                                               f"{run.name}_{run.ns}({run.uid})", "Warning",
                               f"spec.containers{{{cc['name']}}}")
        for cc in run.containers():
            if cc not in crash:
                run.c[cc["name"]]["ready"] = True
        if never and all("terminated" in run.c[cc["name"]]["state"] for cc in run.containers()):
            run.phase = "Failed"
            self._set_ready(run, False, t, "PodFailed")
            run.conds["PodReadyToStartContainers"] = _cond("PodReadyToStartContainers", "False", 1, t)
        else:
            names = " ".join(cc["name"] for cc in crash)
            self._set_ready(run, False, t, "ContainersNotReady", f"containers with unready status: [{names}]")
        self._write(run)

    def _fail(self, run, exit_code=1, reason="Error"):
        t = ts()
        for name, st in run.c.items():
            if "running" in st.get("state", {}):
                st["state"] = {"terminated": {"exitCode": exit_code, "reason": reason,
                                              "startedAt": st["state"]["running"]["startedAt"], "finishedAt": t,
                                              "containerID": st.get("containerID", "")}}
                st["ready"], st["started"] = False, False
            elif "waiting" in st.get("state", {}):
                st["state"] = {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": None,
                                              "finishedAt": t}}
                st["ready"], st["started"] = False, False
        run.phase = "Failed"
        if run.conds:
            self._set_ready(run, False, t, "PodFailed")
            if "PodReadyToStartContainers" in run.conds:
                run.conds["PodReadyToStartContainers"] = _cond("PodReadyToStartContainers", "False", 1, t)

    # ---- control-plane knobs --------------------------------------------------------------------
    def force_fail(self, pod: dict, reason: str | None, message: str | None, unknown: bool):
        run = self.runs.get(pod["metadata"]["uid"])
        if run is None:
            return None
        if run.task:
            run.task.cancel()
        if unknown:
            run.phase = "Unknown"
            run.reason = reason or "NodeLost"
            run.message = message or f"Node {NODE} which was running pod {run.name} is unresponsive"
            t = ts()
            self._set_ready(run, False, t, "NodeLost", None)
        else:
            self._fail(run, exit_code=1, reason="Error")
            run.reason = reason
            run.message = message
        return self._write(run)

    def force_ready(self, pod: dict):
        run = self.runs.get(pod["metadata"]["uid"])
        if run is None:
            return None
        if run.task:
            run.task.cancel()
        t = ts()
        if "PodScheduled" not in run.conds or run.conds["PodScheduled"]["status"] != "True":
            run.conds["PodScheduled"] = {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                         "lastTransitionTime": t}
        run.start_time = run.start_time or t
        run.ip = run.ip or self.cluster.alloc_pod_ip()
        run.conds["PodReadyToStartContainers"] = _cond("PodReadyToStartContainers", "True", 1, t)
        run.conds["Initialized"] = _cond("Initialized", "True", 1, t)
        for ic in run.spec.get("initContainers") or []:
            cid = "containerd://" + _digest(run.uid + ic["name"])
            if ic.get("restartPolicy") == "Always":
                run.c[ic["name"]] = {"state": {"running": {"startedAt": t}}, "ready": True, "started": True,
                                     "imageID": "sha256:" + _digest(ic.get("image", "")), "containerID": cid}
            else:
                run.c[ic["name"]] = {"state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": t,
                                                              "finishedAt": t, "containerID": cid}},
                                     "imageID": "sha256:" + _digest(ic.get("image", "")), "containerID": cid}
        for cc in run.containers():
            cid = "containerd://" + _digest(run.uid + cc["name"])
            run.c[cc["name"]] = {"state": {"running": {"startedAt": t}}, "ready": True, "started": True,
                                 "imageID": "sha256:" + _digest(cc.get("image", "")), "containerID": cid}
        run.phase = "Running"
        run.reason = run.message = None
        self._set_ready(run, True, t)
        # keep PodScheduled last
        run.conds["PodScheduled"] = run.conds.pop("PodScheduled")
        return self._write(run)

    # ---- termination ----------------------------------------------------------------------------
    async def _terminate(self, pod: dict, run: PodRun | None, delay: float):
        c = self.cluster
        md = pod["metadata"]
        if delay > 0:
            await asyncio.sleep(delay)
        if run is not None and any("running" in st.get("state", {}) for st in run.c.values()):
            self._fail(run, exit_code=137, reason="Error")
            self._write(run, extra="terminating")
        cur = c.store.get("pods", md["namespace"], md["name"])
        if cur is not None and cur["metadata"]["uid"] == md["uid"]:
            c.store.delete("pods", md["namespace"], md["name"])
        self.pod_removed(md["uid"])
