"""The committed completion scripts and man pages: they load in their shells, complete app and
session ids through sortiectl's hidden completion mode, and the pages render cleanly with man."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pexpect
import pytest

from conftest import ROOT

COMPLETIONS = ROOT / "completions"
MAN = ROOT / "man"


@pytest.fixture
def path_env(cli_env, sortiectl, tmp_path):
    """`sortiectl` on PATH, as the completion scripts call it by name."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sortiectl").symlink_to(sortiectl)
    return dict(cli_env, PATH=f"{bin_dir}{os.pathsep}{cli_env['PATH']}")


def bash_complete(env, line: str) -> list[str]:
    """Runs the bash completion function for `line` (cursor at the end) and returns COMPREPLY."""
    script = f"""
        source {COMPLETIONS / 'sortiectl.bash'}
        COMP_LINE={line!r}
        COMP_POINT=${{#COMP_LINE}}
        read -r -a COMP_WORDS <<< "$COMP_LINE"
        [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
        _sortiectl sortiectl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [word for word in out.stdout.split("\n") if word]


def test_the_scripts_are_the_three_shells():
    assert sorted(p.name for p in COMPLETIONS.iterdir()) == ["_sortiectl", "sortiectl.bash", "sortiectl.fish"]
    assert "complete -o filenames -F _sortiectl sortiectl" in (COMPLETIONS / "sortiectl.bash").read_text()
    assert (COMPLETIONS / "_sortiectl").read_text().startswith("#compdef sortiectl")


def test_bash_completes_commands_flags_and_app_ids(path_env):
    assert "sessions" in bash_complete(path_env, "sortiectl ses")
    assert bash_complete(path_env, "sortiectl sessions cr") == ["create"]
    assert "--dry-run" in bash_complete(path_env, "sortiectl sessions create --d")
    assert sorted(bash_complete(path_env, "sortiectl apps show x")) == ["xclock", "xterm"]
    # Only apps that can start a session: sortie-docs is a url app.
    creatable = bash_complete(path_env, "sortiectl sessions create ")
    assert "xterm" in creatable and "sortie-docs" not in creatable


def test_bash_completes_live_session_ids(path_env, sandbox, sortiectl):
    env = dict(path_env, KUBECONFIG=str(sandbox))
    created = subprocess.run([str(sortiectl), "sessions", "create", "xterm", "-q"], env=env, capture_output=True,
                             text=True, timeout=60)
    session = created.stdout.strip()
    assert session, created.stderr
    assert bash_complete(env, "sortiectl sessions get ") == [session]
    assert bash_complete(env, f"sortiectl sessions kill {session[:4]}") == [session]


def interactive_completion(shell, env, setup, tmp_path):
    """Types into a real interactive zsh or fish: `apps show xt<Tab>` must complete the app id
    (the command then runs and prints the app), and `sessions create vsc<Tab>` likewise."""
    env = dict(env, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    child = pexpect.spawn(shell[0], shell[1:], env=env, encoding="utf-8", timeout=20, dimensions=(40, 160))
    child.expect(r"[#$%>] ")  # the shell's first prompt: its line editor is ready for keys
    child.sendline(setup + "; echo READY")
    child.expect("READY")
    child.send("sortiectl apps show xt\t")
    time.sleep(1.5)
    child.send(" -o json\r")
    child.expect('"container_image"')
    child.send("sortiectl sessions create vsc\t")
    time.sleep(1.5)
    child.send("--dry-run=client -o json\r")
    child.expect("vscode")
    child.sendline("exit")
    child.expect(pexpect.EOF)


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is installed by scripts/install-deps.sh")
def test_zsh_completes_app_ids(path_env, tmp_path):
    out = subprocess.run(["zsh", "-n", str(COMPLETIONS / "_sortiectl")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    interactive_completion(["zsh", "-f"], path_env,
                           f"fpath=({COMPLETIONS} $fpath); autoload -U compinit; compinit -u -D", tmp_path)


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is installed by scripts/install-deps.sh")
def test_fish_completes_app_ids(path_env, tmp_path):
    interactive_completion(["fish", "--no-config"], path_env, f"source {COMPLETIONS / 'sortiectl.fish'}", tmp_path)


def test_there_is_a_page_for_every_command():
    pages = {p.name for p in MAN.glob("*.1")}
    for page in ["sortiectl.1", "sortiectl.shell.1", "sortiectl.sessions.create.1", "sortiectl.version.1",
                 "sortiectl.apps.render.1"]:
        assert page in pages


@pytest.mark.skipif(shutil.which("man") is None, reason="man-db is installed by scripts/install-deps.sh")
@pytest.mark.parametrize("page", sorted(p.name for p in MAN.glob("*.1")))
def test_man_pages_render_cleanly(page):
    out = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", str(MAN / page)], capture_output=True,
                         text=True, env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat"), timeout=60)
    assert out.returncode == 0
    assert out.stderr == "", out.stderr
    assert "NAME" in out.stdout and "SYNOPSIS" in out.stdout
