"""Every sortiectl command fed bad input: usage errors, bad flag values, unreadable and malformed
files, non-UTF-8 bytes, huge inputs, unreachable and misbehaving clusters, broken kubeconfigs.

Each must end (no hang) with a message on stderr and a documented exit code (README "Exit codes":
1, 2 not found, 3 timeout, 4 API, 5 quota, 6 unreachable/TLS, 7 configuration, 64 usage), and never
crash (a signal, exit >= 128, "Fatal error", a Swift runtime failure, a backtrace).

The commands and their flags are read from `sortiectl --help` (checked against man/), so a new
command or flag is covered without editing this file. Cases run on a thread pool against one
sandbox API server; the figures (cases, exit codes, time) are printed at the end of each test.
"""
from __future__ import annotations

import collections
import http.server
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, os.path.dirname(__file__))
import cli_support as cs  # noqa: E402

pytestmark = pytest.mark.skipif(cs.skip_reason() is not None, reason=cs.skip_reason() or "")

GARBAGE = "!bogus value!"
EXTREMES = ["1e300", "-1", "0", "9223372036854775807"]
NON_UTF8 = b"x\xff\xfe\xc3("
SERVE_SECONDS = 20  # bound for a serve case; one that logs "listening on" and stays up has accepted its input
LISTENING = b"listening on"
SHELL_LINE = b"sessions list\n"  # what the shell runs in the sweeps
FIGURES: dict[str, object] = {}


# -- the world: one sandbox, misbehaving servers, bad files -------------------------------------

class _NotKubernetes(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server API
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, *args):
        pass


def _serve_forever(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def _resetter():
    """Accepts connections and closes them at once (RST)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def loop():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            connection.close()

    threading.Thread(target=loop, daemon=True).start()
    return listener


class World:
    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="sortie-badinput-"))
        os.chmod(self.work, 0o755)  # `setpriv` runs the 0-mode cases as nobody, who must get this far
        self.home = self.work / "home"
        self.home.mkdir()
        self.sandbox = cs.Sandbox(self.work / "sandbox", tls=True, ready_delay=0.1).__enter__()
        os.chmod(self.work / "sandbox", 0o755)
        self.kubeconfig = Path(self.sandbox.kubeconfig)
        self.env = cs.clean_env(self.home, KUBECONFIG=self.kubeconfig, SORTIE_NAMESPACE="default")
        self.config = yaml.safe_load(self.kubeconfig.read_text())
        self.token_csv = self.work / "tokens.csv"
        self.token_csv.write_text('tok-0123456789abcdef,alice,1001,"users"\n')
        self.servers = []
        # a closed port
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.closed_port = probe.getsockname()[1]
        probe.close()
        # a port that accepts TCP and then says nothing
        self.blackhole = socket.socket()
        self.blackhole.bind(("127.0.0.1", 0))
        self.blackhole.listen(512)
        # a port that resets every connection
        self.resetter = _resetter()
        # an HTTP server that is not Kubernetes
        self.not_kube = _serve_forever(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotKubernetes))
        self.files = self._files()

    def close(self):
        self.not_kube.shutdown()
        self.blackhole.close()
        self.resetter.close()
        self.sandbox.__exit__(None, None, None)
        for path in self.work.rglob("*"):
            try:
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
            except OSError:
                pass
        shutil.rmtree(self.work, ignore_errors=True)

    def reset(self):
        self.sandbox.delete_all_session_pods()
        for namespace in ("default", "sortie"):
            self.sandbox.call("DELETE", f"/api/v1/namespaces/{namespace}/resourcequotas")

    def kubeconfig_variant(self, name, mutate=None, text=None) -> Path:
        path = self.work / "kubeconfigs" / name
        path.parent.mkdir(exist_ok=True)
        if text is not None:
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
        else:
            config = json.loads(json.dumps(self.config))
            mutate(config)
            path.write_text(yaml.safe_dump(config))
        return path

    def with_server(self, name, server) -> Path:
        def mutate(config):
            config["clusters"][0]["cluster"]["server"] = server
            if server.startswith("http://"):
                config["clusters"][0]["cluster"].pop("certificate-authority-data", None)
        return self.kubeconfig_variant(name, mutate)

    def _files(self) -> dict[str, Path]:
        files = {}
        d = self.work / "files"
        d.mkdir()
        (d / "a-directory").mkdir()
        files["directory"] = d / "a-directory"
        files["missing"] = d / "missing.json"
        fifo = d / "a-fifo"
        os.mkfifo(fifo)
        files["fifo"] = fifo
        apps_text = cs.APPS.read_bytes()
        zero_apps, zero_kube = d / "zero-mode.json", d / "zero-mode.kubeconfig"
        zero_apps.write_bytes(apps_text)
        zero_kube.write_bytes(self.kubeconfig.read_bytes())
        os.chmod(zero_apps, 0)
        os.chmod(zero_kube, 0)
        files["zero-mode apps"], files["zero-mode kubeconfig"] = zero_apps, zero_kube
        return files


@pytest.fixture(scope="module")
def world_instance():
    w = World()
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def world(world_instance):
    """The shared world, with the cluster emptied of what earlier sweeps created (sessions, quotas)."""
    world_instance.reset()
    yield world_instance
    world_instance.reset()


# -- running many cases ----------------------------------------------------------------------------

class Case:
    def __init__(self, label, args, env=None, timeout=25.0, stdin=b"", codes=None, allow_success=False,
                 serve_may_run=False, max_stderr=64 * 1024, max_lines=12, as_nobody=False, must_mention=None,
                 shell_must_complain=False):
        self.label, self.args, self.env, self.timeout, self.stdin = label, args, env, timeout, stdin
        self.codes, self.allow_success, self.serve_may_run = codes, allow_success, serve_may_run
        self.max_stderr, self.max_lines, self.as_nobody, self.must_mention = max_stderr, max_lines, as_nobody, must_mention
        self.shell_must_complain = shell_must_complain


def run_cases(world, cases, name, jobs=8):
    started = time.monotonic()

    def one(case):
        serve = case.args[:1] == ["serve"]
        timeout = SERVE_SECONDS if serve else case.timeout
        for attempt in range(2):
            result = cs.run_cli(case.args, case.env or world.env, timeout=timeout, stdin=case.stdin, cwd=world.home,
                                as_nobody=case.as_nobody, running_marker=LISTENING if serve else None)
            # two sweeps' `quota set` racing on one ResourceQuota: not what these cases are about
            if not (result.code == 4 and b"has been modified" in result.stderr):
                break
        if serve and result.timed_out and LISTENING in result.stderr:
            crash = cs.crash_reason(result)
            found = [crash] if crash else []
            if not case.serve_may_run:
                found.append("serve started (accepted the input) instead of refusing it")
            return case, result, found
        if case.shell_must_complain:
            # the shell goes on after a failed command (exit 0): the command's error must be shown
            found = cs.problems(result, allow_success=True)
            if result.code == 0 and not result.err.strip():
                found.append("the shell ran the command without an error")
            return case, result, found
        return case, result, cs.problems(result, codes=case.codes, allow_success=case.allow_success,
                                         max_stderr=case.max_stderr, max_lines=case.max_lines,
                                         must_mention=case.must_mention)

    outcomes = cs.run_parallel(cases, one, jobs=jobs)
    elapsed = time.monotonic() - started
    codes = collections.Counter("running" if r.timed_out else r.code for _, r, _ in outcomes)
    failures = [(c, r, p) for c, r, p in outcomes if p]
    FIGURES[name] = {"cases": len(cases), "seconds": round(elapsed, 1), "exit codes": dict(sorted(codes.items(), key=str)),
                     "failures": len(failures)}
    print(f"\n[{name}] {len(cases)} cases in {elapsed:.1f} s; exit codes {dict(codes)}; failures {len(failures)}")
    for case, result, found in failures[:60]:
        print(f"  FAIL {case.label}: {'; '.join(found)}\n       {result.describe(300)}")
    return outcomes, failures


def assert_no_failures(failures, what):
    if failures:
        lines = [f"- {c.label}: {'; '.join(p)} | {r.describe(240)}" for c, r, p in failures[:40]]
        more = f"\n... and {len(failures) - 40} more" if len(failures) > 40 else ""
        pytest.fail(f"{len(failures)} {what} failed:\n" + "\n".join(lines) + more, pytrace=False)


def fillers(command: cs.Command, optional=False) -> list[str]:
    """Valid-looking positionals: a real app for the catalog commands, a missing session elsewhere
    (with `optional`, also the optional ones, except a file that would override --apps)."""
    values = []
    for argument in (command.arguments if optional else command.required):
        if argument == "file":
            if argument in command.required:
                values.append(str(cs.APPS))
        elif command.path[0] == "apps" or argument == "app":
            values.append("xterm")
        else:
            values.append("deadbeef")
    return values


def base(command: cs.Command, world) -> list[str]:
    """Arguments that make the command valid and finite: serve needs an auth mode and a port; a
    command that is a usage error without some flag (quota set) gets the first one that helps."""
    if command.path == ["serve"]:
        return ["--auth", "token", "--token-file", str(world.token_csv), "--port", "0", "--address", "127.0.0.1"]
    key = command.name
    if key not in _BASES:
        _BASES[key] = []
        if cs.run_cli([*command.path, *fillers(command)], world.env, cwd=world.home).code == 64:
            for option in command.options:
                if option.metavar and not option.values and not PATH_HELP.search(option.help):
                    extra = [option.name, "1000"]
                    if cs.run_cli([*command.path, *extra, *fillers(command)], world.env, cwd=world.home).code != 64:
                        _BASES[key] = extra
                        break
    return _BASES[key]


_BASES: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def tree(world_instance):
    commands = cs.command_tree()
    cs.run_parallel(commands, lambda c: base(c, world_instance), jobs=8)  # probe the bases at once
    return commands


# -- the tests ---------------------------------------------------------------------------------------

def test_the_command_tree_is_complete(tree):
    """--help and the man pages agree, so the sweeps below cover every command."""
    leaves = {c.name for c in tree}
    groups = {" ".join(c.path[:i]) for c in tree for i in range(1, len(c.path))}
    assert leaves | groups == cs.man_page_commands(), "commands in --help and man/ differ"
    assert len(leaves) >= 15 and all(c.options or c.arguments for c in tree)
    FIGURES["commands"] = sorted(leaves)


def test_usage_errors_exit_64(world, tree):
    """Unknown flags, missing arguments and values, bad enum and number values, values given to
    flags, extra arguments: exit 64 with a usage message, for every command and flag."""
    cases = []
    for command in tree:
        path, fill, pre = command.path, fillers(command), base(command, world)
        usage = dict(codes={64})
        cases.append(Case(f"{command.name}: unknown flag", [*path, *pre, *fill, "--no-such-flag"], **usage))
        if command.required:
            cases.append(Case(f"{command.name}: no arguments", [*path, *pre], **usage))
        if not re.search(r"<\w+> \.\.\.", command.usage):
            cases.append(Case(f"{command.name}: extra arguments", [*path, *pre, *fill, "extra-1", "extra-2"], **usage))
        for option in command.options:
            if option.metavar:
                cases.append(Case(f"{command.name}: {option.name} without a value", [*path, *pre, *fill, option.name], **usage))
                if option.values:
                    cases.append(Case(f"{command.name}: {option.name} {GARBAGE!r}", [*path, *pre, *fill, option.name, GARBAGE], **usage))
                if option.numeric:
                    cases.append(Case(f"{command.name}: {option.name} not a number", [*path, *pre, *fill, option.name, "twelve"], **usage))
            elif option.name.startswith("--"):
                cases.append(Case(f"{command.name}: {option.name}=value", [*path, *pre, *fill, f"{option.name}=yes"], **usage))
    _, failures = run_cases(world, cases, "usage errors")
    assert_no_failures(failures, "usage-error cases")


def test_every_flag_value_is_handled(world, tree):
    """Every value-taking flag with a garbage value, every listed value, and extreme numbers for the
    flags that parse numbers or durations: a documented outcome (success allowed), never a crash
    or a hang. `serve` still running after a few seconds counts as having accepted its input."""
    cases, typed = [], {}
    for command in tree:
        path, fill, pre = command.path, fillers(command, optional=True), base(command, world)
        serve = command.path == ["serve"]
        for option in command.options:
            if not option.metavar:
                continue
            key = (command.name, option.name)
            cases.append(Case(f"{command.name}: {option.name} {GARBAGE!r}", [*path, *pre, *fill, option.name, GARBAGE],
                              allow_success=True, serve_may_run=serve, stdin=SHELL_LINE if path == ["shell"] else b""))
            typed[key] = (command, option)
            for value in option.values:
                cases.append(Case(f"{command.name}: {option.name} {value}", [*path, *pre, *fill, option.name, value],
                                  allow_success=True, serve_may_run=serve))
    outcomes, failures = run_cases(world, cases, "flag values")
    # The same flag (same help) must be validated the same way by every command that offers it.
    verdicts = collections.defaultdict(dict)
    for case, result, _ in outcomes:
        m = re.match(r"(.+): (\S+) '!bogus value!'$", case.label)
        if m and (m.group(1), m.group(2)) in typed:
            command, option = typed[(m.group(1), m.group(2))]
            verdicts[(option.name, option.help)][command.name] = (case, result)
    for (name, _), by_command in verdicts.items():
        refused = [c for c, (_, r) in by_command.items() if r.code == 64 and name in r.err]
        if refused:
            for command_name, (case, result) in by_command.items():
                # the shell reports a bad command line and goes on (exit 0): silence is acceptance
                if result.code in (0, None) and not (command_name == "shell" and result.err.strip()):
                    failures.append((case, result, [f"{name} {GARBAGE!r} is a usage error for {refused[0]!r} "
                                                    f"but accepted here (exit {result.code})"]))
    # Flags that refused the garbage with a usage error parse a number, a duration, a quantity, a
    # CIDR...: give those extreme values too (each distinct flag once per help text).
    parsed, seen = [], set()
    for case, result, _ in outcomes:
        m = re.match(r"(.+): (\S+) '!bogus value!'$", case.label)
        if m and result.code == 64 and (m.group(1), m.group(2)) in typed:
            command, option = typed[(m.group(1), m.group(2))]
            if option.values:
                continue
            identity = (option.name, option.help)
            if identity in seen:
                continue
            seen.add(identity)
            parsed.append((command, option))
    extreme_cases = []
    for command, option in parsed:
        path, fill, pre = command.path, fillers(command, optional=True), base(command, world)
        for value in EXTREMES:
            extreme_cases.append(Case(f"{command.name}: {option.name} {value}", [*path, *pre, *fill, option.name, value],
                                      allow_success=True, serve_may_run=command.path == ["serve"]))
    FIGURES["flags that parse values"] = sorted(f"{c.name} {o.name}" for c, o in parsed)
    _, extreme_failures = run_cases(world, extreme_cases, "extreme flag values")
    assert_no_failures(failures + extreme_failures, "flag-value cases")


def test_yaml_and_json_outputs_agree(world, tree):
    """Every command offering both -o json and -o yaml prints the same document in both (up to
    the session ids and timestamps a fresh render makes): YAML readers (kubectl apply -f) get the
    same types, e.g. booleans and integers, not floats."""
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

    status = re.compile(r'"status": "[a-z]+"')  # a session may go creating -> running between the two runs

    def canonical(document):
        return status.sub('"status": "S"', stamp.sub("T", uuid.sub("U", json.dumps(document, sort_keys=True, default=str))))

    checked, mismatches = [], []
    for command in tree:
        option = command.option("--output")
        if not option or not {"json", "yaml"} <= set(option.values) or command.path in (["serve"], ["shell"]):
            continue
        args = [*command.path, *base(command, world), *fillers(command)]
        as_json = cs.run_cli([*args, "-o", "json"], world.env, cwd=world.home)
        as_yaml = cs.run_cli([*args, "-o", "yaml"], world.env, cwd=world.home)
        if as_json.code != 0 or as_yaml.code != 0:
            continue  # e.g. a session that does not exist
        checked.append(command.name)
        from_json, from_yaml = json.loads(as_json.out), yaml.safe_load(as_yaml.out)
        if canonical(from_json) != canonical(from_yaml):
            differing = sorted(set(re.findall(r'"[^"]+": [^,{}\[\]]+', canonical(from_yaml)))
                               - set(re.findall(r'"[^"]+": [^,{}\[\]]+', canonical(from_json))))
            first = next((i for i, (a, b) in enumerate(zip(canonical(from_json), canonical(from_yaml))) if a != b), 0)
            mismatches.append(f"{command.name}: -o yaml differs from -o json, e.g. {differing[:6]}; "
                              f"json …{canonical(from_json)[max(0, first - 80):first + 80]}… "
                              f"yaml …{canonical(from_yaml)[max(0, first - 80):first + 80]}…")
    FIGURES["-o json and -o yaml compared"] = checked
    assert checked, "no command printed both formats"
    assert not mismatches, "\n".join(mismatches)


def test_bare_commands(world, tree):
    """Every command with nothing but its name (serve with its required auth): a documented outcome."""
    cases = [Case(f"{c.name} (bare)", [*c.path, *base(c, world)], allow_success=True, serve_may_run=c.path == ["serve"])
             for c in tree]
    cases.append(Case("sortiectl (no arguments, no terminal)", [], allow_success=True))
    _, failures = run_cases(world, cases, "bare commands")
    assert_no_failures(failures, "bare-command cases")


def _baseline(world, args, env=None):
    """The exit code of an invocation with good inputs ("running" for a serve that started)."""
    result = cs.run_cli(args, env or world.env, timeout=SERVE_SECONDS, cwd=world.home,
                        running_marker=LISTENING if args[:1] == ["serve"] else None)
    return "running" if result.timed_out and LISTENING in result.stderr else result.code


def test_unreadable_and_malformed_files(world, tree):
    """--apps and --kubeconfig naming a directory, a missing file, a 0-mode file (read as an
    unprivileged user), a FIFO, non-UTF-8 bytes, UTF-16, NUL bytes, malformed JSON/YAML, an empty
    file, deep nesting, an alias bomb: exit 7 with a message naming the file. A command that works
    without any catalog may ignore an unreadable --apps (then it must do what it does without one)."""
    d = world.work / "files"
    bad_apps = {
        "non-UTF-8 apps": (d / "latin1.json", b'{"applications": [{"id": "caf\xe9", "name": "\xff\xfe"}]}'),
        "UTF-16 apps": (d / "utf16.json", json.dumps({"applications": []}).encode("utf-16")),
        "malformed JSON": (d / "broken.json", b'{"applications": [{"id": "x",]'),
        "empty apps": (d / "empty.json", b""),
        "NUL bytes": (d / "nul.json", b'{"applications": [{"id": "x\x00y"}]}\x00'),
        "wrong shape": (d / "shape.json", b'[1, 2, 3]'),
        "deep nesting": (d / "deep.json", b"[" * 200_000 + b"]" * 200_000),
        "YAML alias bomb": (d / "bomb.yaml", "\n".join(
            [f"l0: &l0 [{', '.join(['x'] * 10)}]"] + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
            + ["applications: *l8"]).encode()),
    }
    for path, content in bad_apps.values():
        path.write_bytes(content)
    apps_files = {k: v for k, v in world.files.items() if "kubeconfig" not in k}
    apps_files.update({k: p for k, (p, _) in bad_apps.items()})

    bad_kubeconfigs = {
        "non-UTF-8 kubeconfig": b"apiVersion: v1\nclusters:\n- name: caf\xe9\n  cluster: {server: 'https://127.0.0.1:1'}\n",
        "malformed YAML": b"apiVersion: v1\nclusters: [\n",
        "empty kubeconfig": b"",
        "NUL bytes kubeconfig": b"apiVersion: v1\x00\nkind: Config\n",
        "a YAML list": b"- 1\n- 2\n",
        "YAML alias bomb kubeconfig": "\n".join(
            [f"l0: &l0 [{', '.join(['x'] * 10)}]"] + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
            + ["clusters: *l8", "users: *l8", "contexts: *l8"]).encode(),
    }
    kube_files = {k: v for k, v in world.files.items() if "apps" not in k}
    kube_files.update({k: world.kubeconfig_variant(k.replace(" ", "-"), text=v) for k, v in bad_kubeconfigs.items()})
    # Unprivileged runs need a kubeconfig (and catalog) they can read.
    public = world.work / "files" / "public-kubeconfig"
    public.write_bytes(world.kubeconfig.read_bytes())
    public.chmod(0o644)
    nobody_env = dict(world.env, KUBECONFIG=str(public))

    no_catalog_env = dict(world.env)
    no_catalog_env.pop("SORTIE_APPS")
    cases, ignoring = [], []
    with_apps = [c for c in tree if c.option("--apps")]
    invocations = {c.name: [*c.path, *base(c, world), *fillers(c, optional=True)] for c in with_apps}
    baselines = dict(zip([c.name for c in with_apps], cs.run_parallel(
        with_apps, lambda c: (_baseline(world, invocations[c.name], no_catalog_env), _baseline(world, invocations[c.name])), jobs=8)))
    for command in tree:
        path, fill, pre = command.path, fillers(command, optional=True), base(command, world)
        serve = command.path == ["serve"]
        shell = command.path == ["shell"]
        stdin = b"sessions list\n" if shell else b""
        if command.option("--apps"):
            args = invocations[command.name]
            without, with_catalog = baselines[command.name]
            optional = without not in (7, None) and without == with_catalog
            if optional:
                ignoring.append(command.name)
            for label, file in apps_files.items():
                nobody = label.startswith("zero-mode")
                codes = {7} | ({without} if optional and without != "running" else set())
                cases.append(Case(f"{command.name}: --apps {label}", [*args, "--apps", str(file)], codes=codes,
                                  allow_success=optional and without == 0, as_nobody=nobody, stdin=stdin,
                                  env=nobody_env if nobody else None, serve_may_run=serve and optional,
                                  max_lines=40, must_mention=None if optional else file.name))
        if command.option("--kubeconfig"):
            for label, file in kube_files.items():
                nobody = label.startswith("zero-mode")
                # the shell prints each command's error and carries on: its exit status is its own
                cases.append(Case(f"{command.name}: --kubeconfig {label}", [*path, *pre, *fill, "--kubeconfig", str(file)],
                                  codes={7}, allow_success=shell, as_nobody=nobody, stdin=stdin,
                                  must_mention=file.name))
    # Other flags that read a file (serve's --token-file, --ws-secret-file, ...): a start with an
    # unreadable one must fail with 7, not run without it ("a typo should stop the server").
    input_files = {k: v for k, v in world.files.items() if not k.startswith("zero-mode")}
    for command in tree:
        for option in command.options:
            if not option.metavar or option.name in ("--apps", "--kubeconfig") or not re.search(r"\bfile\b", option.help, re.I) \
                    or re.search(r"png|into|write", option.help, re.I):
                continue
            pre = base(command, world)
            if option.name in pre:  # serve's base names a good --token-file: replace it
                i = pre.index(option.name)
                pre = pre[:i] + pre[i + 2:]
            for label, file in input_files.items():
                cases.append(Case(f"{command.name}: {option.name} {label}", [*command.path, *pre, *fillers(command, optional=True),
                                                                            option.name, str(file)], codes={7},
                                  must_mention=file.name))
    # apps validate takes the file as an argument as well
    validate = next((c for c in tree if c.path == ["apps", "validate"]), None)
    if validate:
        for label, file in apps_files.items():
            nobody = label.startswith("zero-mode")
            cases.append(Case(f"apps validate {label}", [*validate.path, str(file)], codes={7}, max_lines=40,
                              as_nobody=nobody, env=nobody_env if nobody else None, must_mention=file.name))
    FIGURES["commands that ignore an unreadable --apps (they work without a catalog)"] = ignoring
    _, failures = run_cases(world, cases, "unreadable and malformed files")
    assert_no_failures(failures, "file cases")


PATH_HELP = re.compile(r"file|path|png|apps\.json|director", re.I)


def test_non_utf8_arguments_are_refused(world, tree):
    """Arguments are bytes; a non-UTF-8 one cannot be represented faithfully (Swift substitutes
    U+FFFD, so different inputs become the same user, namespace or selector). Each must be refused
    — a documented non-zero exit — rather than acted on as something else. (Flags naming files are
    covered by the next test.) In the shell, the command must report an error."""
    cases = []
    for command in tree:
        path, fill, pre = command.path, fillers(command), base(command, world)
        shell = command.path == ["shell"]
        for i, argument in enumerate(command.required):
            args = [*path, *pre, *fill]
            args[len(path) + len(pre) + i] = NON_UTF8
            cases.append(Case(f"{command.name}: <{argument}> non-UTF-8", args))
        for option in command.options:
            if option.metavar and not option.values and not PATH_HELP.search(option.help):
                cases.append(Case(f"{command.name}: {option.name} non-UTF-8", [*path, *pre, *fillers(command, optional=True),
                                                                                  option.name, NON_UTF8],
                                  stdin=b"sessions list\n" if shell else b"", shell_must_complain=shell))
    shell = next((c for c in tree if c.path == ["shell"]), None)
    if shell:
        cases.append(Case("shell: a non-UTF-8 line", [*shell.path], stdin=b"sessions list --user " + NON_UTF8 + b"\n",
                          shell_must_complain=True))
    _, failures = run_cases(world, cases, "non-UTF-8 arguments")
    assert_no_failures(failures, "non-UTF-8 cases")


def test_files_with_non_utf8_names(world, tree):
    """Linux file names are bytes: a good catalog or kubeconfig whose name is not UTF-8 must work
    (or be refused with a message), not be reported missing under a different name."""
    d = world.work / "files"
    apps = os.path.join(os.fsencode(d), b"apps-caf\xe9.json")
    kube = os.path.join(os.fsencode(d), b"kubeconfig-caf\xe9")
    with open(apps, "wb") as f:
        f.write(cs.APPS.read_bytes())
    with open(kube, "wb") as f:
        f.write(world.kubeconfig.read_bytes())
    cases = [Case("apps list --apps <non-UTF-8 name>", ["apps", "list", "--apps", apps], allow_success=True,
                  codes={64}, must_mention="UTF-8"),
             Case("sessions list --kubeconfig <non-UTF-8 name>", ["sessions", "list", "--kubeconfig", kube], allow_success=True,
                  codes={64}, must_mention="UTF-8"),
             Case("apps validate <non-UTF-8 name>", ["apps", "validate", apps], allow_success=True, codes={64},
                  must_mention="UTF-8")]
    _, failures = run_cases(world, cases, "non-UTF-8 file names")
    assert_no_failures(failures, "non-UTF-8 file-name cases")


def test_environment_variables(world, tree):
    """The documented environment variables (README's Configuration table) with garbage, negative,
    huge and non-UTF-8 values: a documented outcome, never a crash or a hang."""
    readme = (cs.ROOT / "README.md").read_text()
    table = readme.split("| variable | default | meaning |", 1)[1].split("\n\n", 1)[0]
    variables = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([A-Z_]+)` \| ([^|]*) \|", table, re.M)}
    assert len(variables) >= 8
    FIGURES["environment variables"] = sorted(variables)
    values = ["!bogus!", "-1", "9223372036854775807", "1e300", NON_UTF8]
    # Unlimited session counts unless under test, so the creates reach the code that reads the variable.
    unlimited = {"SORTIE_MAX_SESSIONS": "0", "SORTIE_MAX_SESSIONS_PER_USER": "0"}
    commands = [["sessions", "create", "xterm", "--wait", "-q"], ["sessions", "reap", "--dry-run"], ["quota", "show"],
                ["apps", "render", "xterm"]]
    cases = []
    for name, default in variables.items():
        for value in values:
            env = dict(world.env, **unlimited)
            env[name] = value
            for args in commands:
                cases.append(Case(f"{name}={value!r}: {' '.join(args)}", args, env=env, allow_success=True))
            numeric = re.fullmatch(r"`\d+`", default.strip()) is not None
            if numeric and value in ("-1", "9223372036854775807"):
                cases.append(Case(f"{name}={value!r}: serve", ["serve", *base(_serve(tree), world)],
                                  env=env, allow_success=True, serve_may_run=True))
    _, failures = run_cases(world, cases, "environment variables")
    assert_no_failures(failures, "environment cases")


def _serve(tree):
    return next(c for c in tree if c.path == ["serve"])


def test_huge_inputs(world, tree):
    """A 50 MB apps.json (one huge value; 50 MB of whitespace; a 50 MB invalid id), a catalog of
    thousands of apps, a 50 MB kubeconfig, 100 KB arguments: finished in bounded time with a
    documented outcome, and messages that do not echo megabytes back (stderr under 1 MiB)."""
    d = world.work / "huge"
    d.mkdir(exist_ok=True)
    catalog = json.loads(cs.APPS.read_text())
    text = json.dumps(catalog)
    (d / "padded.json").write_text(text[:-1] + " " * 50_000_000 + text[-1:])
    big = json.loads(text)
    big["applications"][0]["description"] = "d" * 50_000_000
    (d / "big-value.json").write_text(json.dumps(big))
    bad = json.loads(text)
    bad["applications"][0]["id"] = "A" * 50_000_000
    (d / "big-bad-id.json").write_text(json.dumps(bad))
    many = {"applications": [{"id": f"app-{i}", "name": f"App {i}", "description": "x" * 200, "launch_type": "container",
                              "container_image": f"registry.example.com/app-{i}:1.0", "category": "c", "visibility": "public"}
                             for i in range(3000)]}
    (d / "many.json").write_text(json.dumps(many))
    kube = world.kubeconfig.read_text()
    (d / "kubeconfig-50mb").write_text(kube + "\n# " + "p" * 50_000_000 + "\n")
    huge_token = world.kubeconfig_variant("huge-token", lambda c: c["users"][0]["user"].update(token="t" * 5_000_000))

    limit = 1 << 20
    huge = "h" * 100_000
    cases = [
        Case("apps list: 50 MB of whitespace", ["apps", "list", "--apps", str(d / "padded.json"), "-q"], timeout=90, allow_success=True, max_stderr=limit),
        Case("apps list: a 50 MB description", ["apps", "list", "--apps", str(d / "big-value.json"), "-q"], timeout=90, allow_success=True, max_stderr=limit),
        Case("apps validate: a 50 MB invalid id", ["apps", "validate", str(d / "big-bad-id.json")], timeout=90, codes={7}, max_stderr=limit, max_lines=40),
        Case("sessions create: catalog with a 50 MB invalid id", ["sessions", "create", "xterm", "--apps", str(d / "big-bad-id.json")],
             timeout=90, codes={7}, max_stderr=limit, max_lines=40),
        Case("apps list: 3000 apps", ["apps", "list", "--apps", str(d / "many.json"), "-q"], timeout=90, allow_success=True, max_stderr=limit),
        Case("sessions list: 50 MB kubeconfig", ["sessions", "list", "--kubeconfig", str(d / "kubeconfig-50mb")], timeout=90,
             allow_success=True, max_stderr=limit),
        Case("sessions list: 5 MB bearer token", ["sessions", "list", "--kubeconfig", str(huge_token)], timeout=60,
             allow_success=True, max_stderr=limit),
    ]
    seen = set()
    for command in tree:
        path, fill, pre = command.path, fillers(command), base(command, world)
        serve = command.path == ["serve"]
        for i, argument in enumerate(command.required):
            args = [*path, *pre, *fill]
            args[len(path) + len(pre) + i] = huge
            cases.append(Case(f"{command.name}: 100 KB <{argument}>", args, allow_success=True, max_stderr=limit, max_lines=40))
        for option in command.options:
            if (option.name, option.help) in seen:
                continue  # the same flag of another command: one run is enough
            seen.add((option.name, option.help))
            if option.metavar and not option.values and option.name != "--exec":
                cases.append(Case(f"{command.name}: 100 KB {option.name}", [*path, *pre, *fillers(command, optional=True),
                                                                                option.name, huge],
                                  allow_success=True, serve_may_run=serve, max_stderr=limit, max_lines=40))
    _, failures = run_cases(world, cases, "huge inputs", jobs=4)
    assert_no_failures(failures, "huge-input cases")


def test_unreachable_and_misbehaving_clusters(world, tree):
    """Every cluster command against a closed port (6), a port that never answers (3 or 6 within the
    request timeout), a port that resets connections (6), a server with another CA (6), a plain HTTP
    server that is not Kubernetes (4), and without credentials (4)."""
    closed = world.with_server("closed", f"https://127.0.0.1:{world.closed_port}")
    silent = world.with_server("silent", f"https://127.0.0.1:{world.blackhole.getsockname()[1]}")
    reset = world.with_server("reset", f"https://127.0.0.1:{world.resetter.getsockname()[1]}")
    not_kube = world.with_server("not-kube", f"http://127.0.0.1:{world.not_kube.server_address[1]}")
    import base64
    other_ca = base64.b64encode(cs.make_ca_pem()).decode()
    wrong_ca = world.kubeconfig_variant("wrong-ca", lambda c: c["clusters"][0]["cluster"].update({"certificate-authority-data": other_ca}))
    no_creds = world.kubeconfig_variant("no-creds", lambda c: c["users"][0].update(user={}))
    scenarios = {
        "closed port": (closed, {6}, []),
        "silent port": (silent, {3, 6}, ["--request-timeout", "3s"]),
        "resetting port": (reset, {6}, []),
        "wrong CA": (wrong_ca, {6}, []),
        "not Kubernetes": (not_kube, {4}, []),
        "no credentials": (no_creds, {4}, []),
    }
    cases = []
    for command, label in cross(cluster_commands(tree), list(scenarios), every=("closed port", "silent port")):
        kubeconfig, codes, extra = scenarios[label]
        public = command.path == ["version"] and label == "no credentials"  # /version is public on a real API server too
        cases.append(Case(f"{command.name}: {label}", [*command.path, *base(command, world), *fillers(command, optional=True),
                                                       "--kubeconfig", str(kubeconfig), *extra], codes=codes, timeout=45,
                          allow_success=public))
    _, failures = run_cases(world, cases, "unreachable and misbehaving clusters")
    assert_no_failures(failures, "cluster cases")


def cluster_commands(tree):
    """The commands that talk to the cluster and then exit (not the shell, not serve)."""
    return [c for c in tree if c.option("--kubeconfig") and c.path not in (["shell"], ["serve"])]


def cross(commands, variants, every=(), per_variant=3):
    """Pairs covering both ways without the full product: every command with the `every` variants,
    and every variant with `per_variant` commands, taken round-robin so all commands get some."""
    pairs = [(c, v) for c in commands for v in every]
    i = 0
    for variant in variants:
        if variant in every:
            continue
        for _ in range(per_variant):
            pairs.append((commands[i % len(commands)], variant))
            i += 1
    return pairs


def test_serve_with_an_unreachable_cluster(world):
    """serve starts without its cluster (health says alive) but answers the API with 503, quickly."""
    closed = world.with_server("closed-serve", f"https://127.0.0.1:{world.closed_port}")
    serve = cs.Serve(world.work, closed, args=["--auth", "none"], log_name="serve-unreachable.log")
    serve.start()
    try:
        timings = {}
        for method, path, body in [("GET", "/readyz", None), ("GET", "/api/sessions", None),
                                   ("POST", "/api/sessions", {"app_id": "xterm", "user_id": "u"}),
                                   ("GET", "/api/sessions/deadbeef", None), ("DELETE", "/api/sessions/deadbeef", None)]:
            started = time.monotonic()
            status, headers, raw = serve.request(method, path, body, timeout=40)
            timings[f"{method} {path}"] = (status, round(time.monotonic() - started, 1))
            assert status == 503, f"{method} {path} -> {status} {raw[:200]!r}"
            if path.startswith("/api"):
                assert json.loads(raw)["error"] == "cluster_unavailable"
        FIGURES["serve without a cluster"] = timings
        assert serve.request("GET", "/healthz")[0] == 200
        assert serve.alive()
        assert cs.crash_reason(cs.Result([], 0, b"", serve.log().encode(), 0, False)) is None
    finally:
        serve.stop()


def test_broken_kubeconfigs(world, tree):
    """Structurally broken kubeconfigs: exit 7 (configuration) — or 6 for TLS material that only
    fails in the handshake — with a message, for every cluster command; credential plugins that
    fail, print garbage or never exit must not hang a command with --request-timeout."""
    import base64
    plugin_dir = world.work / "plugins"
    plugin_dir.mkdir(exist_ok=True)
    plugins = {}
    for name, body in {"fails": "echo 'plugin: no credentials for you' >&2; exit 1",
                       "garbage": "echo 'this is not JSON'",
                       "hangs": "exec sleep 600",
                       "wrong-kind": "echo '{\"apiVersion\": \"client.authentication.k8s.io/v1\", \"kind\": \"Pod\"}'"}.items():
        script = plugin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
        plugins[name] = str(script)

    def user(**fields):
        return lambda c: c["users"][0].update(user=fields)

    def cluster(**fields):
        def mutate(c):
            c["clusters"][0]["cluster"].update(fields)
            for k, v in list(fields.items()):
                if v is None:
                    c["clusters"][0]["cluster"].pop(k)
        return mutate

    def exec_user(command, api="client.authentication.k8s.io/v1"):
        return user(exec={"apiVersion": api, "command": command, "interactiveMode": "Never"})

    variants = {
        "no current-context": (lambda c: c.pop("current-context"), {7}),
        "current-context missing": (lambda c: c.update({"current-context": "nowhere"}), {7}),
        "context names a missing cluster": (lambda c: c["contexts"][0]["context"].update(cluster="nowhere"), {7}),
        "context names a missing user": (lambda c: c["contexts"][0]["context"].update(user="nobody"), {7}),
        "cluster without server": (cluster(server=None), {7}),
        "server is not a URL": (cluster(server="not a url at all"), {7, 6}),
        "server with a bad scheme": (cluster(server="ftp://127.0.0.1:21"), {7, 6}),
        "server with a bad port": (cluster(server="https://127.0.0.1:99999"), {7, 6}),
        "CA data not base64": (cluster(**{"certificate-authority-data": "%%% not base64 %%%"}), {7}),
        "CA data not PEM": (cluster(**{"certificate-authority-data": base64.b64encode(b"garbage").decode()}), {7, 6}),
        "CA file missing": (cluster(**{"certificate-authority-data": None, "certificate-authority": "/nonexistent/ca.crt"}), {7}),
        "CA file is a directory": (cluster(**{"certificate-authority-data": None, "certificate-authority": "/tmp"}), {7}),
        "client cert without key": (lambda c: c["users"][0]["user"].pop("client-key-data"), {7}),
        "client key not base64": (lambda c: c["users"][0]["user"].update({"client-key-data": "@@@"}), {7}),
        "client key not a key": (lambda c: c["users"][0]["user"].update({"client-key-data": base64.b64encode(b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n").decode()}), {7, 6}),
        "client cert file missing": (user(**{"client-certificate": "/nonexistent/c.crt", "client-key": "/nonexistent/c.key"}), {7}),
        "token file missing": (user(tokenFile="/nonexistent/token"), {7}),
        "exec plugin missing": (exec_user("/nonexistent/plugin"), {7}),
        "exec plugin fails": (exec_user(plugins["fails"]), {7}),
        "exec plugin prints garbage": (exec_user(plugins["garbage"]), {7}),
        "exec plugin prints another kind": (exec_user(plugins["wrong-kind"]), {7}),
        "exec plugin never exits": (exec_user(plugins["hangs"]), {3, 6, 7}),
        "exec plugin bad apiVersion": (exec_user(plugins["garbage"], api="client.authentication.k8s.io/v0"), {7}),
        "proxy-url garbage": (cluster(**{"proxy-url": "::not a proxy::"}), {7, 6}),
        "proxy-url closed port": (cluster(**{"proxy-url": f"http://127.0.0.1:{world.closed_port}"}), {6}),
        "contexts is a string": (lambda c: c.update(contexts="oops"), {7}),
        "users is a number": (lambda c: c.update(users=42), {7}),
    }
    files = {label: (world.kubeconfig_variant("broken-" + re.sub(r"\W+", "-", label), mutate), codes)
             for label, (mutate, codes) in variants.items()}
    cases = []
    for command, label in cross(cluster_commands(tree), list(files), every=("context names a missing cluster", "exec plugin fails")):
        file, codes = files[label]
        cases.append(Case(f"{command.name}: {label}", [*command.path, *base(command, world), *fillers(command, optional=True),
                                                       "--kubeconfig", str(file), "--request-timeout", "5s"], codes=codes,
                          timeout=20))
    serve = _serve(tree)
    for label, (file, codes) in list(files.items())[::3]:
        if label == "exec plugin never exits":
            continue
        cases.append(Case(f"serve: {label}", ["serve", *base(serve, world), "--kubeconfig", str(file)], codes=codes,
                          serve_may_run=label.startswith(("server", "CA data not PEM", "client key not a key", "proxy-url",
                                                          "exec plugin"))))
    _, failures = run_cases(world, cases, "broken kubeconfigs")
    assert_no_failures(failures, "broken-kubeconfig cases")


def test_shell_input(world, tree):
    """`sortiectl shell` reading hostile lines from stdin: unterminated quotes, NUL and control
    bytes, a 1 MB line, 5000 lines of unknown commands, every command with a bad flag."""
    leaves = [c.name for c in tree if c.path not in (["shell"], ["serve"])]
    scripts = {
        "unterminated quote": b'sessions list "oops\n',
        "NUL and control bytes": b"sessions\x00 list\x1b[2J\x07\n",
        "a 1 MB line": b"apps show " + b"a" * 1_000_000 + b"\n",
        "2000 unknown commands": b"frobnicate --now\n" * 2000,
        "every command with a bad flag": "".join(f"{name} --no-such-flag\n" for name in leaves).encode(),
        "binary garbage": bytes(range(256)) * 64,
        "nested shell": b"shell\nshell\nexit\n",
    }
    cases = [Case(f"shell: {label}", ["shell", "--no-history"], stdin=stdin, allow_success=True, timeout=60,
                  max_stderr=64 << 20, max_lines=1 << 30) for label, stdin in scripts.items()]
    _, failures = run_cases(world, cases, "shell input", jobs=4)
    assert_no_failures(failures, "shell cases")


def test_print_figures():
    """Prints what the sweeps above ran (for RELIABILITY.md)."""
    print("\nbad-input figures:\n" + json.dumps(FIGURES, indent=1, default=str))
