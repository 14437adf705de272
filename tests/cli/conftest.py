"""Shared fixtures for the CLI checks: the built sortiectl, a sandbox API server, a clean environment."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SORTIECTL = ROOT / ".build" / "debug" / "sortiectl"
TOOLS = ROOT / ".tools" / "bin"
APPS = ROOT / "examples" / "apps.json"


@pytest.fixture(scope="session")
def sortiectl() -> Path:
    if not SORTIECTL.exists():
        pytest.fail(f"{SORTIECTL} is missing: run `swift build --product sortiectl` first")
    return SORTIECTL


@pytest.fixture
def sandbox(tmp_path):
    """A fresh sandbox API server; yields its kubeconfig path."""
    kubeconfig = tmp_path / "kubeconfig"
    process = subprocess.Popen(
        [str(ROOT / "bin" / "sortie-sandbox"), "--address", "127.0.0.1:0", "--kubeconfig-out", str(kubeconfig),
         "--ready-delay", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http"), f"the sandbox printed {url!r}"
        assert kubeconfig.exists()
        yield kubeconfig
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cli_env(tmp_path):
    """An environment with nothing of the user's: its own HOME, the example catalog, no XDG dirs."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "KUBECONFIG", "SORTIE_", "EDITRC"))}
    env.update({"HOME": str(home), "SORTIE_APPS": str(APPS), "USER": "tester", "TERM": "xterm", "NO_COLOR": "1",
                "KUBECONFIG": str(tmp_path / "no-kubeconfig")})
    return env
