"""sortiectl as the kubectl plugin `kubectl sortie` (with the real kubectl), and `sortiectl version`."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import ROOT, TOOLS

KUBECTL = TOOLS / "kubectl"


@pytest.fixture
def plugin_env(cli_env, sortiectl, tmp_path):
    """PATH with a `kubectl-sortie` symlink to the built binary, as a user installs the plugin."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "kubectl-sortie").symlink_to(sortiectl)
    return dict(cli_env, PATH=f"{plugins}{os.pathsep}{TOOLS}{os.pathsep}{cli_env['PATH']}")


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by scripts/install-deps.sh")
def test_kubectl_runs_sortie_as_a_plugin(plugin_env):
    out = run([str(KUBECTL), "sortie", "version", "--client"], plugin_env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Client Version: 0.")
    assert "commit" in out.stdout

    listed = run([str(KUBECTL), "plugin", "list"], plugin_env)
    assert "kubectl-sortie" in listed.stdout, listed.stdout + listed.stderr

    usage = run([str(KUBECTL), "sortie", "--help"], plugin_env)
    assert usage.returncode == 0
    assert "USAGE: kubectl sortie <subcommand>" in usage.stdout

    error = run([str(KUBECTL), "sortie", "sessions", "kill"], plugin_env)
    assert error.returncode == 64
    assert "Usage: kubectl sortie sessions kill" in error.stderr


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by scripts/install-deps.sh")
def test_the_plugin_talks_to_the_cluster_kubectl_uses(plugin_env, sandbox):
    env = dict(plugin_env, KUBECONFIG=str(sandbox))
    created = run([str(KUBECTL), "sortie", "sessions", "create", "xterm", "-q"], env)
    assert created.returncode == 0, created.stderr
    pods = run([str(KUBECTL), "get", "pods", "-o", "name"], env)
    assert f"pod/sortie-session-{created.stdout.strip()}" in pods.stdout


def test_the_binary_under_its_own_name_says_sortiectl(sortiectl, cli_env):
    out = run([str(sortiectl), "--help"], cli_env)
    assert "USAGE: sortiectl <subcommand>" in out.stdout


def test_version_prints_client_commit_and_server(sortiectl, cli_env, sandbox):
    env = dict(cli_env, KUBECONFIG=str(sandbox))
    out = run([str(sortiectl), "version"], env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Client Version: 0.") and "(commit " in lines[0]
    assert lines[1].startswith("Server Version: v1.")
    data = json.loads(run([str(sortiectl), "version", "-o", "json"], env).stdout)
    assert set(data["clientVersion"]) == {"version", "gitCommit"}
    assert data["serverVersion"]["gitVersion"].startswith("v1.")


def test_version_without_a_cluster_still_prints_the_client(sortiectl, cli_env):
    out = run([str(sortiectl), "version"], cli_env)
    assert out.returncode == 7  # no kubeconfig: a configuration error, after the client version
    assert out.stdout.startswith("Client Version: ")


def test_the_commit_is_injected_at_build_time(tmp_path):
    """The mechanism release builds use: `-Xcc -DSORTIE_GIT_COMMIT='"sha"'` reaches the Swift constant."""
    program = tmp_path / "main.swift"
    program.write_text("import SortieBuildInfo\nprint(String(cString: sortie_build_git_commit()))\n")
    module_map = ROOT / "Sources" / "CLibEdit" / "module.modulemap"
    for defines, expected in ((["-Xcc", '-DSORTIE_GIT_COMMIT="0123abcd"'], "0123abcd"), ([], "unknown")):
        binary = tmp_path / f"print-commit-{expected}"
        build = run(["swiftc", "-Xcc", f"-fmodule-map-file={module_map}", *defines, str(program), "-o", str(binary)],
                    dict(os.environ), cwd=tmp_path)
        assert build.returncode == 0, build.stderr
        assert run([str(binary)], dict(os.environ)).stdout.strip() == expected


def loaded_libraries(args, env):
    """The shared objects the dynamic loader opened while `args` ran (glibc's LD_DEBUG=files)."""
    out = run(args, dict(env, LD_DEBUG="files"))
    return out, {line.split("file=", 1)[1].split()[0] for line in out.stderr.splitlines() if "file=" in line}


def test_libcurl_is_loaded_only_by_commands_that_reach_a_cluster(sortiectl, cli_env, sandbox):
    """libcurl's ~38 libraries cost ~6 ms per start: commands that never talk to a cluster do not load
    them (CCurl opens libcurl on first use), and the ones that do still work."""
    out, offline = loaded_libraries([str(sortiectl), "version", "--client"], cli_env)
    assert out.returncode == 0 and out.stdout.startswith("Client Version: ")
    assert offline, "LD_DEBUG=files reported nothing: the check would prove nothing"
    assert not any(name.startswith("libcurl") for name in offline), sorted(offline)

    out, online = loaded_libraries([str(sortiectl), "pods"], dict(cli_env, KUBECONFIG=str(sandbox)))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "libcurl.so.4" in online
