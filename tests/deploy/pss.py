"""The Pod Security Standards' `restricted` profile (which includes `baseline`), as rules over a pod
spec: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (policy version latest)."""
from __future__ import annotations

BASELINE_CAPABILITIES = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                         "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
RESTRICTED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                           "persistentVolumeClaim", "projected", "secret"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes"}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}


def restricted_violations(spec: dict) -> list[str]:
    """Every way `spec` (a PodSpec) breaks the restricted profile; empty when it passes."""
    v: list[str] = []
    pod_sc = spec.get("securityContext") or {}
    containers = [("containers", c) for c in spec.get("containers") or []]
    containers += [("initContainers", c) for c in spec.get("initContainers") or []]
    containers += [("ephemeralContainers", c) for c in spec.get("ephemeralContainers") or []]
    if not spec.get("containers"):
        v.append("no containers")

    # --- baseline ---
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            v.append(f"{field}=true")
    if (pod_sc.get("windowsOptions") or {}).get("hostProcess"):
        v.append("pod windowsOptions.hostProcess=true")
    for sysctl in pod_sc.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            v.append(f"unsafe sysctl {sysctl.get('name')}")
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if "hostPath" in kinds:
            v.append(f"hostPath volume {volume['name']}")
        if not kinds <= RESTRICTED_VOLUME_TYPES:
            v.append(f"volume {volume['name']} of type {sorted(kinds - RESTRICTED_VOLUME_TYPES)}")

    def selinux(sc: dict, where: str):
        opts = sc.get("seLinuxOptions") or {}
        if opts.get("type", "") not in SELINUX_TYPES:
            v.append(f"{where}: seLinuxOptions.type {opts['type']}")
        for key in ("user", "role"):
            if opts.get(key):
                v.append(f"{where}: seLinuxOptions.{key} set")

    def apparmor(sc: dict, where: str):
        profile = (sc.get("appArmorProfile") or {}).get("type")
        if profile not in (None, "RuntimeDefault", "Localhost"):
            v.append(f"{where}: appArmorProfile {profile}")

    selinux(pod_sc, "pod")
    apparmor(pod_sc, "pod")
    pod_seccomp = (pod_sc.get("seccompProfile") or {}).get("type")
    if pod_seccomp not in (None, "RuntimeDefault", "Localhost"):
        v.append(f"pod: seccompProfile {pod_seccomp}")
    if pod_sc.get("runAsUser") == 0:
        v.append("pod: runAsUser=0")

    for group, c in containers:
        where = f"{group}[{c.get('name')}]"
        sc = c.get("securityContext") or {}
        if sc.get("privileged"):
            v.append(f"{where}: privileged")
        if (sc.get("windowsOptions") or {}).get("hostProcess"):
            v.append(f"{where}: windowsOptions.hostProcess")
        caps = sc.get("capabilities") or {}
        added = set(caps.get("add") or [])
        if added - BASELINE_CAPABILITIES:
            v.append(f"{where}: adds capabilities {sorted(added - BASELINE_CAPABILITIES)}")
        for port in c.get("ports") or []:
            if port.get("hostPort"):
                v.append(f"{where}: hostPort {port['hostPort']}")
        selinux(sc, where)
        apparmor(sc, where)
        if sc.get("procMount", "Default") != "Default":
            v.append(f"{where}: procMount {sc['procMount']}")
        # --- restricted ---
        if sc.get("allowPrivilegeEscalation") is not False:
            v.append(f"{where}: allowPrivilegeEscalation is not false")
        if "ALL" not in (caps.get("drop") or []):
            v.append(f"{where}: capabilities.drop lacks ALL")
        if added - {"NET_BIND_SERVICE"}:
            v.append(f"{where}: adds capabilities other than NET_BIND_SERVICE")
        run_as_non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if run_as_non_root is not True:
            v.append(f"{where}: runAsNonRoot is not true (container or pod)")
        if sc.get("runAsUser") == 0:
            v.append(f"{where}: runAsUser=0")
        seccomp = (sc.get("seccompProfile") or {}).get("type", pod_seccomp)
        if seccomp not in ("RuntimeDefault", "Localhost"):
            v.append(f"{where}: seccompProfile is {seccomp or 'unset'} (container or pod must be RuntimeDefault/Localhost)")
    return v
