"""The `sortiectl serve` web page in a real browser (headless Chromium driven by selenium).

Everything is real except the cluster: the sandbox API server's session pods forward 5900/6080
to a real VNC stack (docker/vnc-sidecar/start.sh: Xvfb + x11vnc + websockify) showing an xterm,
`sortiectl serve --upstream port-forward` reaches them through the sandbox's port-forward, and
the page's viewer (Debian's noVNC, served by serve under /novnc/) draws the screen in a canvas.

Needs: .build/debug/sortiectl (swift build --product sortiectl), and scripts/install-deps.sh
(chromium, chromium-driver, novnc, xvfb, x11vnc, websockify, xterm; selenium, Pillow).
"""
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SORTIECTL = os.path.join(ROOT, ".build", "debug", "sortiectl")
NEEDED = ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/share/novnc/vnc_lite.html"] + [
    shutil.which(t) or "/missing/" + t for t in ("Xvfb", "x11vnc", "websockify", "xterm")]

pytestmark = pytest.mark.skipif(not all(os.path.exists(p) for p in NEEDED) or not os.path.exists(SORTIECTL),
                                reason="needs chromium, chromium-driver, novnc, the VNC stack (scripts/install-deps.sh) "
                                       "and .build/debug/sortiectl")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as error:  # the page rebuilds its tables every 2 s: elements go stale
            if type(error).__name__ != "StaleElementReferenceException":
                raise
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def stop(process):
    """TERM the process group, then KILL what is left."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def start(args, log, **kwargs):
    return subprocess.Popen(args, stdout=kwargs.pop("stdout", log), stderr=log, stdin=subprocess.DEVNULL,
                            start_new_session=True, **kwargs)


@pytest.fixture
def demo():
    """A VNC stack with an xterm, a sandbox whose pods forward to it, and `sortiectl serve` in front."""
    work = tempfile.mkdtemp(prefix="sortie-web-")
    log = open(os.path.join(work, "processes.log"), "w")
    processes = []
    try:
        display = next(n for n in range(300, 900) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                       and not os.path.exists(f"/tmp/.X{n}-lock"))
        vnc_port, ws_port = free_port(), free_port()
        env = dict(os.environ, DISPLAY=f":{display}", VNC_PORT=str(vnc_port), VNC_LISTEN="127.0.0.1",
                   WEBSOCKIFY_PORT=str(ws_port), WEBSOCKIFY_LISTEN="127.0.0.1", SCREEN="1024x768x24")
        processes.append(start(["/bin/sh", os.path.join(ROOT, "docker/vnc-sidecar/start.sh")], log, env=env))
        wait_for("Xvfb", lambda: os.path.exists(f"/tmp/.X11-unix/X{display}"))
        processes.append(start(["xterm", "-geometry", "80x24+10+10"], log, env=env))
        wait_for("x11vnc and websockify", lambda: can_connect(vnc_port) and can_connect(ws_port))

        kubeconfig = os.path.join(work, "kubeconfig")
        sandbox = start([os.path.join(ROOT, "bin/sortie-sandbox"), "--address", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                         "--ready-delay", "0.5", "--forward", f"5900=127.0.0.1:{vnc_port}",
                         "--forward", f"6080=127.0.0.1:{ws_port}"], log, stdout=subprocess.PIPE, text=True)
        processes.append(sandbox)
        sandbox_url = sandbox.stdout.readline().strip()
        assert sandbox_url.startswith("http"), "the sandbox did not start"

        port = free_port()
        serve_env = dict(os.environ, KUBECONFIG=kubeconfig, SORTIE_APPS=os.path.join(ROOT, "examples/apps.json"),
                         SORTIE_NAMESPACE="default")
        processes.append(start([SORTIECTL, "serve", "--auth", "none", "--address", "127.0.0.1", "--port", str(port),
                                "--upstream", "port-forward"], log, env=serve_env))
        wait_for("sortiectl serve", lambda: can_connect(port))
        yield {"url": f"http://127.0.0.1:{port}", "sandbox": sandbox_url, "work": work}
    finally:
        for process in reversed(processes):
            stop(process)
        log.close()
        if os.environ.get("SORTIE_KEEP_WEB_TEST"):
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,850"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def click(find):
    """Finds and clicks an element, in one step (None when it is not there yet)."""
    element = find()
    if element is None:
        return None
    element.click()
    return True


def session_pods(sandbox_url):
    with urllib.request.urlopen(sandbox_url + "/api/v1/namespaces/default/pods", timeout=10) as response:
        items = json.load(response).get("items", [])
    return [p["metadata"]["name"] for p in items if p["metadata"]["name"].startswith("sortie-session-")]


def test_launch_view_and_end_an_xterm(demo, browser):
    from PIL import Image
    from selenium.webdriver.common.by import By

    browser.get(demo["url"] + "/")
    # The catalog lists the xterm app with a Launch button.
    def launch_button():
        for row in browser.find_elements(By.CSS_SELECTOR, "#apps tbody tr"):
            if row.find_elements(By.TAG_NAME, "td") and row.find_elements(By.TAG_NAME, "td")[0].text == "XTerm":
                buttons = row.find_elements(By.TAG_NAME, "button")
                return buttons[0] if buttons and buttons[0].text == "Launch" else None
        return None
    wait_for("a click on Launch", lambda: click(launch_button))

    # The session shows up and turns running, with a View link.
    def running_row():
        for row in browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr"):
            cells = row.find_elements(By.TAG_NAME, "td")
            if len(cells) >= 4 and cells[0].text == "XTerm" and cells[1].text.startswith("running"):
                links = row.find_elements(By.LINK_TEXT, "View")
                if links:
                    return row.get_attribute("data-id"), links[0].get_attribute("href")
        return None
    session_id, viewer = wait_for("a running xterm session", running_row, timeout=30)
    assert session_pods(demo["sandbox"]) == [f"sortie-session-{session_id}"]
    assert "/novnc/vnc_lite.html" in viewer and session_id in viewer

    # The viewer: noVNC connects through serve's WebSocket and draws the xterm in its canvas.
    browser.get(viewer)
    wait_for("noVNC to connect", lambda: "Connected" in browser.find_element(By.ID, "status").text, timeout=30)
    canvas = wait_for("the noVNC canvas", lambda: browser.find_elements(By.CSS_SELECTOR, "#screen canvas"))[0]
    wait_for("the framebuffer size", lambda: int(canvas.get_attribute("width") or 0) == 1024, timeout=10)

    def white_fraction():
        image = Image.open(io.BytesIO(canvas.screenshot_as_png)).convert("RGB")
        pixels = list(image.get_flattened_data() if hasattr(image, 'get_flattened_data') else image.getdata())
        white = sum(1 for r, g, b in pixels if r > 240 and g > 240 and b > 240)
        return white / len(pixels), len(set(pixels)), image
    # The xterm (white, 80x24 at +10+10) on Xvfb's black root window: a large white area, text in it.
    fraction, colors, image = wait_for("the xterm window in the canvas", lambda: (lambda r: r if r[0] > 0.1 else None)(white_fraction()),
                                       timeout=20, interval=0.5)
    image.save(os.path.join(demo["work"], "viewer.png"))
    browser.save_screenshot(os.path.join(demo["work"], "page.png"))
    # Not blank and not uniform: the black root window around it, xterm's bitmap-font text inside
    # (xterm's default colours are pure black and white, so two colours is all there is).
    assert colors >= 2, "the canvas is uniform"
    assert fraction < 0.6, f"the xterm should cover about a fifth of the screen, not {fraction:.0%}"
    white = image.point(lambda v: 255 if v > 240 else 0).convert("L").getbbox()
    assert white and white[0] < 40 and white[1] < 40, f"the xterm window is at +10+10: {white}"

    # Ending the session removes the pod, and the page stops listing it.
    browser.get(demo["url"] + "/")
    def end_button():
        for row in browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr"):
            if row.get_attribute("data-id") == session_id:
                buttons = [b for b in row.find_elements(By.TAG_NAME, "button") if b.text == "End"]
                return buttons[0] if buttons else None
        return None
    wait_for("a click on End", lambda: click(end_button))
    wait_for("the pod to be deleted", lambda: not session_pods(demo["sandbox"]), timeout=30, interval=0.3)
    wait_for("the session to leave the page", lambda: not any(
        r.get_attribute("data-id") == session_id for r in browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")), timeout=15)
