"""The sandbox must not outlive whoever started it (a crashed test runner sends no SIGTERM)."""
import os
import signal
import subprocess
import time

from conftest import LAUNCHER


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def test_exits_when_its_parent_dies(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    pidfile = tmp_path / "pid"
    # A parent shell starts the sandbox in the background, reports its pid, then waits.
    parent = subprocess.Popen(["bash", "-c", f'"{LAUNCHER}" --address 127.0.0.1:0 --kubeconfig-out "{kubeconfig}" '
                               f'> "{tmp_path}/url" & echo $! > "{pidfile}"; wait'])
    for _ in range(200):
        if pidfile.exists() and (tmp_path / "url").exists() and (tmp_path / "url").read_text().strip():
            break
        time.sleep(0.05)
    child = int(pidfile.read_text())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        if not _alive(child):
            break
        time.sleep(0.1)
    try:
        assert not _alive(child), "the sandbox outlived its parent"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_keeps_running_while_its_parent_lives(tmp_path):
    proc = subprocess.Popen([LAUNCHER, "--address", "127.0.0.1:0", "--kubeconfig-out", str(tmp_path / "kc")],
                            stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().decode().startswith("http")
        time.sleep(1.5)
        assert proc.poll() is None
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
