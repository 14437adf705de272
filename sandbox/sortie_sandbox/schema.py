"""Known fields of the objects the sandbox serves, for fieldValidation=Strict/Warn.
A type is: a dict of field -> type (object), ("list", type), "map" (free keys), "any" or "scalar"."""

S = "scalar"
ANY = "any"
MAP = "map"

OBJECT_META = {f: S for f in ("name", "generateName", "namespace", "uid", "resourceVersion", "generation",
                              "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                              "selfLink")}
OBJECT_META.update({"labels": MAP, "annotations": MAP, "finalizers": ("list", S),
                    "ownerReferences": ("list", ANY), "managedFields": ("list", ANY)})

SECCOMP = {"type": S, "localhostProfile": S}
SELINUX = {"user": S, "role": S, "type": S, "level": S}
WINDOWS = {"gmsaCredentialSpecName": S, "gmsaCredentialSpec": S, "runAsUserName": S, "hostProcess": S}
APPARMOR = {"type": S, "localhostProfile": S}
CONTAINER_SC = {"capabilities": {"add": ("list", S), "drop": ("list", S)}, "privileged": S,
                "seLinuxOptions": SELINUX, "windowsOptions": WINDOWS, "runAsUser": S, "runAsGroup": S,
                "runAsNonRoot": S, "readOnlyRootFilesystem": S, "allowPrivilegeEscalation": S,
                "procMount": S, "seccompProfile": SECCOMP, "appArmorProfile": APPARMOR}
POD_SC = {"seLinuxOptions": SELINUX, "windowsOptions": WINDOWS, "runAsUser": S, "runAsGroup": S,
          "runAsNonRoot": S, "supplementalGroups": ("list", S), "supplementalGroupsPolicy": S,
          "fsGroup": S, "sysctls": ("list", {"name": S, "value": S}), "fsGroupChangePolicy": S,
          "seccompProfile": SECCOMP, "appArmorProfile": APPARMOR, "seLinuxChangePolicy": S}
HANDLER = {"exec": {"command": ("list", S)},
           "httpGet": {"path": S, "port": S, "host": S, "scheme": S,
                       "httpHeaders": ("list", {"name": S, "value": S})},
           "tcpSocket": {"port": S, "host": S}, "grpc": {"port": S, "service": S}, "sleep": {"seconds": S}}
PROBE = dict(HANDLER, initialDelaySeconds=S, timeoutSeconds=S, periodSeconds=S, successThreshold=S,
             failureThreshold=S, terminationGracePeriodSeconds=S)
RESOURCES = {"limits": MAP, "requests": MAP, "claims": ("list", ANY)}
ENV_VAR = {"name": S, "value": S, "valueFrom": ANY}
CONTAINER = {
    "name": S, "image": S, "command": ("list", S), "args": ("list", S), "workingDir": S,
    "ports": ("list", {"name": S, "hostPort": S, "containerPort": S, "protocol": S, "hostIP": S}),
    "envFrom": ("list", ANY), "env": ("list", ENV_VAR), "resources": RESOURCES,
    "resizePolicy": ("list", ANY), "restartPolicy": S, "restartPolicyRules": ("list", ANY),
    "volumeMounts": ("list", {"name": S, "readOnly": S, "recursiveReadOnly": S, "mountPath": S,
                              "subPath": S, "mountPropagation": S, "subPathExpr": S}),
    "volumeDevices": ("list", ANY), "livenessProbe": PROBE, "readinessProbe": PROBE,
    "startupProbe": PROBE, "lifecycle": {"postStart": HANDLER, "preStop": HANDLER, "stopSignal": S},
    "terminationMessagePath": S, "terminationMessagePolicy": S, "imagePullPolicy": S,
    "securityContext": CONTAINER_SC, "stdin": S, "stdinOnce": S, "tty": S, "targetContainerName": S,
}
VOLUME = {"name": S}
for _v in ("hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
           "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
           "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
           "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
           "image"):
    VOLUME[_v] = ANY
POD_SPEC = {
    "volumes": ("list", VOLUME), "initContainers": ("list", CONTAINER), "containers": ("list", CONTAINER),
    "ephemeralContainers": ("list", CONTAINER), "restartPolicy": S, "terminationGracePeriodSeconds": S,
    "activeDeadlineSeconds": S, "dnsPolicy": S, "nodeSelector": MAP, "serviceAccountName": S,
    "serviceAccount": S, "automountServiceAccountToken": S, "nodeName": S, "hostNetwork": S, "hostPID": S,
    "hostIPC": S, "shareProcessNamespace": S, "securityContext": POD_SC,
    "imagePullSecrets": ("list", {"name": S}), "hostname": S, "subdomain": S, "affinity": ANY,
    "schedulerName": S, "tolerations": ("list", {"key": S, "operator": S, "value": S, "effect": S,
                                                 "tolerationSeconds": S}),
    "hostAliases": ("list", ANY), "priorityClassName": S, "priority": S, "dnsConfig": ANY,
    "readinessGates": ("list", {"conditionType": S}), "runtimeClassName": S, "enableServiceLinks": S,
    "preemptionPolicy": S, "overhead": MAP, "topologySpreadConstraints": ("list", ANY),
    "setHostnameAsFQDN": S, "os": {"name": S}, "hostUsers": S, "schedulingGates": ("list", ANY),
    "resourceClaims": ("list", ANY), "resources": RESOURCES, "hostnameOverride": S,
}
POD = {"apiVersion": S, "kind": S, "metadata": OBJECT_META, "spec": POD_SPEC, "status": ANY}
LEASE = {"apiVersion": S, "kind": S, "metadata": OBJECT_META,
         "spec": {"holderIdentity": S, "leaseDurationSeconds": S, "acquireTime": S, "renewTime": S,
                  "leaseTransitions": S, "strategy": S, "preferredHolder": S}}
QUOTA = {"apiVersion": S, "kind": S, "metadata": OBJECT_META,
         "spec": {"hard": MAP, "scopes": ("list", S), "scopeSelector": ANY},
         "status": {"hard": MAP, "used": MAP}}
NAMESPACE = {"apiVersion": S, "kind": S, "metadata": OBJECT_META, "spec": {"finalizers": ("list", S)},
             "status": ANY}

SCHEMAS = {"Pod": POD, "Lease": LEASE, "ResourceQuota": QUOTA, "Namespace": NAMESPACE}


def unknown_fields(kind: str, obj) -> list[str]:
    schema = SCHEMAS.get(kind)
    if schema is None:
        return []
    out: list[str] = []
    _walk(schema, obj, "", out)
    return out


def _walk(t, v, path, out):
    """t is an object or list type (leaf types are not recursed into, and paths are only built
    where needed: this runs over every field of every created pod)."""
    if isinstance(t, tuple):
        if isinstance(v, list) and not isinstance(t[1], str):
            for i, item in enumerate(v):
                _walk(t[1], item, f"{path}[{i}]", out)
        return
    if isinstance(v, dict):
        for k, sub in v.items():
            sub_t = t.get(k)
            if sub_t is None:
                out.append(f"{path}.{k}" if path else k)
            elif sub is not None and not isinstance(sub_t, str):
                _walk(sub_t, sub, f"{path}.{k}" if path else k, out)


def drop_unknown(kind: str, obj):
    schema = SCHEMAS.get(kind)
    if schema is not None:
        _drop(schema, obj)


def _drop(t, v):
    if isinstance(t, tuple) and isinstance(v, list):
        for item in v:
            _drop(t[1], item)
    elif isinstance(t, dict) and isinstance(v, dict):
        for k in list(v):
            if k not in t:
                del v[k]
            else:
                _drop(t[k], v[k])
