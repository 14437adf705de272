"""`sortiectl shell` through a real pseudo-terminal (pexpect): typing, Tab completion, history, Ctrl-C.

libedit redraws the line as the user types, so the screen bytes are not the typed text; these
tests check what the keys *did* (the command that ran) rather than the redrawn characters.
"""
from __future__ import annotations

import json
import re
import subprocess
import time

import pexpect
import pytest

PROMPT = re.compile(r"sortie\(([^/)]*)/([^)]*)\)> ")
TIMEOUT = 20


def spawn(sortiectl, env, *args):
    child = pexpect.spawn(str(sortiectl), list(args), env=env, encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 160))
    child.expect(PROMPT)
    return child


def leave(child):
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def create_session(sortiectl, env) -> str:
    out = subprocess.run([str(sortiectl), "sessions", "create", "xterm", "-q"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def env(cli_env, sandbox):
    return dict(cli_env, KUBECONFIG=str(sandbox))


def test_no_arguments_on_a_terminal_opens_the_shell_and_runs_what_is_typed(sortiectl, env):
    child = spawn(sortiectl, env)
    assert child.match.group(1) == "sandbox" and child.match.group(2) == "default"
    child.sendline("apps list -q")
    child.expect("xclock")
    child.expect(PROMPT)
    # An error is printed and the shell goes on.
    child.sendline("sessions get nothing-like-this")
    child.expect("not found")
    child.expect(PROMPT)
    child.sendline("bogus")
    child.expect("Unexpected argument 'bogus'")
    child.expect(PROMPT)
    child.sendline("use namespace team-b")
    child.expect(PROMPT)
    assert child.match.group(2) == "team-b"
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_without_a_terminal_sortiectl_prints_help(sortiectl, cli_env):
    out = subprocess.run([str(sortiectl)], env=cli_env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0
    assert "USAGE: sortiectl <subcommand>" in out.stdout
    assert "shell" in out.stdout


def test_tab_completes_subcommands_and_app_ids(sortiectl, env):
    child = spawn(sortiectl, env, "shell")
    # "sess<Tab>" -> "sessions ", "cr<Tab>" -> "create ", "xt<Tab>" -> "xterm " (from the catalog).
    child.send("sess\tcr\txt\t--dry-run=client -o json\r")
    child.expect(r'"kind" : "Pod"|"kind": "Pod"')
    child.expect(PROMPT)
    # Ambiguous: "x<Tab>" completes nothing more and lists both catalog candidates.
    child.send("apps show x\t")
    child.expect("xclock +xterm")
    child.send("term -o json\r")
    child.expect('"id" : "xterm"|"id": "xterm"')
    child.expect(PROMPT)
    leave(child)


def test_tab_completes_live_session_ids(sortiectl, env):
    session = create_session(sortiectl, env)
    child = spawn(sortiectl, env, "shell")
    child.send("sessions get \t-o name\r")
    child.expect(f"session/{session}")
    child.expect(PROMPT)
    leave(child)


def test_history_is_recalled_with_the_up_arrow_after_a_restart(sortiectl, env, tmp_path):
    env = dict(env, XDG_STATE_HOME=str(tmp_path / "state"))
    child = spawn(sortiectl, env)
    child.sendline("apps show xclock -o json")
    child.expect('"id" : "xclock"|"id": "xclock"')
    child.expect(PROMPT)
    child.sendline("version --client")
    child.expect("Client Version")
    child.expect(PROMPT)
    leave(child)
    history = (tmp_path / "state" / "sortiectl" / "history").read_text()
    assert "apps\\040show\\040xclock" in history

    child = spawn(sortiectl, env)
    child.send("\x1b[A\x1b[A\r")  # up, up, enter: the command before the last one
    child.expect('"id" : "xclock"|"id": "xclock"')
    child.expect(PROMPT)
    leave(child)


def test_history_falls_back_to_the_home_directory(sortiectl, env, tmp_path):
    child = spawn(sortiectl, env)
    child.sendline("apps list -q")
    child.expect(PROMPT)
    leave(child)
    assert "apps\\040list" in (tmp_path / "home" / ".sortiectl_history").read_text()


def test_ctrl_c_cancels_the_running_command_not_the_shell(sortiectl, env):
    child = spawn(sortiectl, env)
    child.sendline("sessions list -w")
    time.sleep(1.5)
    child.sendintr()
    child.expect(PROMPT)
    # Ctrl-C at the prompt discards the line and keeps the shell.
    child.send("apps list")
    time.sleep(0.3)
    child.sendintr()
    child.expect(PROMPT)
    child.sendline("apps list -q")
    child.expect("xterm")
    child.expect(PROMPT)
    assert child.isalive()
    leave(child)


def test_commands_piped_into_the_shell_run_in_order(sortiectl, env):
    out = subprocess.run([str(sortiectl), "shell", "--no-history"], env=env, input="apps list -q\nbogus\nversion --client -o json\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "xterm" in out.stdout
    assert "Unexpected argument 'bogus'" in out.stderr
    version = json.loads(out.stdout[out.stdout.index("{"):])
    assert version["clientVersion"]["version"]
