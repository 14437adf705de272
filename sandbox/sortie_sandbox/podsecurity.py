"""Pod Security admission (baseline and restricted levels of the Pod Security Standards),
with the refusal messages of the real pod-security-admission plugin."""

from .errors import forbidden

LEVELS = ("privileged", "baseline", "restricted")
BASELINE_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                 "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret", "image"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes"}


def _q(names):
    return ", ".join(f'"{n}"' for n in names)


def _containers_phrase(names):
    return f'container {_q(names)}' if len(names) == 1 else f'containers {_q(names)}'


def _all_containers(spec):
    return (spec.get("initContainers") or []) + (spec.get("containers") or []) + \
        (spec.get("ephemeralContainers") or [])


def check(pod: dict, level: str) -> list[str]:
    if level not in ("baseline", "restricted"):
        return []
    spec = pod.get("spec") or {}
    psc = spec.get("securityContext") or {}
    cs = _all_containers(spec)
    sc = lambda c: c.get("securityContext") or {}
    out: list[str] = []
    # ---- baseline (in check-ID order) ----
    bad = [c["name"] for c in cs if sc(c).get("capabilities", {}).get("add") and
           any(a not in BASELINE_CAPS for a in sc(c)["capabilities"]["add"])]
    if bad:
        details = []
        for c in cs:
            if c["name"] in bad:
                caps = [a for a in sc(c)["capabilities"]["add"] if a not in BASELINE_CAPS]
                details.append(f'container "{c["name"]}" must not include {_q(caps)} in securityContext.capabilities.add')
        out.append(f"non-default capabilities ({'; '.join(details)})")
    hostns = [f"{k}=true" for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k)]
    if hostns:
        out.append(f"host namespaces ({', '.join(hostns)})")
    hp = [v["name"] for v in spec.get("volumes") or [] if "hostPath" in v]
    if hp:
        out.append(f"hostPath volumes ({'volume' if len(hp) == 1 else 'volumes'} {_q(hp)})")
    hports = []
    for c in cs:
        ports = [str(p["hostPort"]) for p in c.get("ports") or [] if p.get("hostPort")]
        if ports:
            hports.append(f'container "{c["name"]}" uses {"hostPort" if len(ports) == 1 else "hostPorts"} '
                          f'{", ".join(ports)}')
    if hports:
        out.append(f"hostPort ({'; '.join(hports)})")
    priv = [c["name"] for c in cs if sc(c).get("privileged")]
    if priv:
        out.append(f"privileged ({_containers_phrase(priv)} must not set securityContext.privileged=true)")
    pm = [c["name"] for c in cs if sc(c).get("procMount") not in (None, "Default")]
    if pm:
        out.append(f"procMount ({_containers_phrase(pm)} must not set securityContext.procMount to \"Unmasked\")")
    bad_seccomp_pod = (psc.get("seccompProfile") or {}).get("type") == "Unconfined"
    bad_seccomp = [c["name"] for c in cs if (sc(c).get("seccompProfile") or {}).get("type") == "Unconfined"]
    if bad_seccomp_pod or bad_seccomp:
        parts = []
        if bad_seccomp_pod:
            parts.append('pod must not set securityContext.seccompProfile.type to "Unconfined"')
        if bad_seccomp:
            parts.append(f'{_containers_phrase(bad_seccomp)} must not set securityContext.seccompProfile.type to "Unconfined"')
        if level == "baseline":
            out.append(f"seccompProfile ({'; '.join(parts)})")
    sysctls = [s["name"] for s in psc.get("sysctls") or [] if s.get("name") not in SAFE_SYSCTLS]
    if sysctls:
        out.append(f"forbidden sysctls ({', '.join(sysctls)})")
    if level == "baseline":
        return out
    # ---- restricted ----
    ape = [c["name"] for c in cs if sc(c).get("allowPrivilegeEscalation") is not False]
    if ape:
        out.append(f"allowPrivilegeEscalation != false ({_containers_phrase(ape)} must set "
                   f"securityContext.allowPrivilegeEscalation=false)")
    drop_missing = [c["name"] for c in cs if "ALL" not in ((sc(c).get("capabilities") or {}).get("drop") or [])]
    add_bad = [(c["name"], [a for a in (sc(c).get("capabilities") or {}).get("add") or [] if a != "NET_BIND_SERVICE"])
               for c in cs]
    add_bad = [(n, a) for n, a in add_bad if a]
    if drop_missing or add_bad:
        parts = []
        if drop_missing:
            parts.append(f'{_containers_phrase(drop_missing)} must set securityContext.capabilities.drop=["ALL"]')
        for n, a in add_bad:
            parts.append(f'container "{n}" must not include {_q(a)} in securityContext.capabilities.add')
        out.append(f"unrestricted capabilities ({'; '.join(parts)})")
    rv = [(v["name"], next((k for k in v if k != "name"), "")) for v in spec.get("volumes") or []]
    rv = [(n, t) for n, t in rv if t not in RESTRICTED_VOLUMES]
    if rv:
        det = [f'volume "{n}" uses restricted volume type "{t}"' for n, t in rv]
        out.append(f"restricted volume types ({', '.join(det)})")
    pod_nonroot = psc.get("runAsNonRoot")
    explicit_false = [c["name"] for c in cs if sc(c).get("runAsNonRoot") is False]
    unset = [c["name"] for c in cs if sc(c).get("runAsNonRoot") is None]
    if pod_nonroot is False or explicit_false or (pod_nonroot is not True and unset):
        parts = []
        if pod_nonroot is False:
            parts.append("pod must not set securityContext.runAsNonRoot=false")
        if explicit_false:
            parts.append(f"{_containers_phrase(explicit_false)} must not set securityContext.runAsNonRoot=false")
        if pod_nonroot is not True and unset:
            parts.append(f"pod or {_containers_phrase(unset)} must set securityContext.runAsNonRoot=true")
        out.append(f"runAsNonRoot != true ({'; '.join(parts)})")
    root_parts = []
    if psc.get("runAsUser") == 0:
        root_parts.append("pod must not set runAsUser=0")
    root_c = [c["name"] for c in cs if sc(c).get("runAsUser") == 0]
    if root_c:
        root_parts.append(f"{_containers_phrase(root_c)} must not set runAsUser=0")
    if root_parts:
        out.append(f"runAsUser=0 ({'; '.join(root_parts)})")
    pod_type = (psc.get("seccompProfile") or {}).get("type")
    ok = ("RuntimeDefault", "Localhost")
    bad_c = [c["name"] for c in cs if (sc(c).get("seccompProfile") or {}).get("type") not in ok and
             ((sc(c).get("seccompProfile") or {}).get("type") is not None or pod_type not in ok)]
    if pod_type not in ok and pod_type is not None or bad_c:
        parts = []
        if pod_type is not None and pod_type not in ok:
            parts.append('pod must not set securityContext.seccompProfile.type to "%s"' % pod_type)
        explicit = [n for n in bad_c if (sc(next(c for c in cs if c["name"] == n)).get("seccompProfile") or {}).get("type")]
        implicit = [n for n in bad_c if n not in explicit]
        if explicit:
            parts.append(f'{_containers_phrase(explicit)} must not set securityContext.seccompProfile.type to '
                         f'"Unconfined"')
        if implicit:
            parts.append(f'pod or {_containers_phrase(implicit)} must set securityContext.seccompProfile.type to '
                         f'"RuntimeDefault" or "Localhost"')
        out.append(f"seccompProfile ({'; '.join(parts)})")
    return out


def admit(pod: dict, level: str):
    violations = check(pod, level)
    if violations:
        raise forbidden("pods", pod["metadata"]["name"],
                        f'violates PodSecurity "{level}:latest": ' + ", ".join(violations))


def namespace_level(ns_obj: dict | None, default: str) -> str:
    labels = ((ns_obj or {}).get("metadata") or {}).get("labels") or {}
    lvl = labels.get("pod-security.kubernetes.io/enforce")
    if lvl in LEVELS:
        # the stricter of the namespace label and the server-wide flag
        return lvl if LEVELS.index(lvl) > LEVELS.index(default) else default
    return default
