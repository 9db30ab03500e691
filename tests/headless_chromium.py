"""A small headless-Chromium driver for tests, over the DevTools protocol (CDP).

Chromium (Debian package ``chromium``) is started with a fresh profile, without network services,
and ``--remote-debugging-port=0``; the port it picked is read from ``DevToolsActivePort`` in the
profile folder. One page target is driven through its WebSocket (``websocket-client``): navigate,
evaluate JavaScript, collect script errors (uncaught exceptions, ``console.error``, log entries of
level error), take PNG screenshots. Chrome DevTools Protocol reference:
https://chromedevtools.github.io/devtools-protocol/
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def find_chromium() -> str | None:
    """Path of the Chromium executable (``chromium``, else ``chromium-browser``), or None."""
    for name in ("chromium", "chromium-browser"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@dataclass
class PageErrors:
    """Script errors seen on a page: uncaught exceptions, console errors, log entries of level error."""

    exceptions: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        """Every error, prefixed by its kind."""
        return ([f"exception: {e}" for e in self.exceptions] + [f"console.error: {e}" for e in self.console]
                + [f"log: {e}" for e in self.log])


class Chromium:
    """Headless Chromium with one page, as a context manager.

    Parameters
    ----------
    exe
        The Chromium executable.
    profile_dir
        A new, empty folder for the profile (``--user-data-dir``).
    stderr_path
        Chromium's own log (``--enable-logging=stderr``) is written here.
    width, height
        Viewport in CSS pixels.
    """

    def __init__(self, exe: str, profile_dir: Path, stderr_path: Path, width: int = 1600, height: int = 1000):
        self.exe, self.profile_dir, self.stderr_path = exe, Path(profile_dir), Path(stderr_path)
        self.width, self.height = width, height
        self.proc: subprocess.Popen | None = None
        self.ws = None
        self._id = 0
        self.errors = PageErrors()

    def __enter__(self) -> Chromium:
        import websocket  # websocket-client

        self.profile_dir.mkdir(parents=True, exist_ok=False)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [self.exe, *FLAGS, f"--user-data-dir={self.profile_dir}", "--remote-debugging-port=0",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self._stderr, start_new_session=True)
        port_file = self.profile_dir / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Chromium did not start (exit {self.proc.poll()}); see {self.stderr_path}")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height, deviceScaleFactor=1,
                  mobile=False)
        return self

    def __exit__(self, *exc) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group (start_new_session)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._stderr.close()

    def _record(self, msg: dict) -> None:
        method, p = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            self.errors.exceptions.append(d.get("exception", {}).get("description") or d.get("text", ""))
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.errors.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            self.errors.log.append(f"{p['entry'].get('text')} ({p['entry'].get('url', '')})")

    def call(self, method: str, **params) -> dict:
        """Send one CDP command and return its result (events meanwhile are recorded)."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._record(msg)

    def evaluate(self, expression: str):
        """Value of a JavaScript expression in the page (JSON-serialisable values)."""
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression!r} raised: {res['exceptionDetails']}")
        return res["result"].get("value")

    def goto(self, url: str, ready: str = "document.readyState === 'complete'", timeout_s: float = 60) -> None:
        """Load ``url`` and wait until the JavaScript condition ``ready`` holds."""
        self.call("Page.navigate", url=url)
        self.wait_for(ready, timeout_s)

    def wait_for(self, condition: str, timeout_s: float = 60) -> None:
        """Poll the JavaScript ``condition`` until it is true (``TimeoutError`` after ``timeout_s``).

        While the page loads the condition may throw (an element not there yet): that counts as false.
        """
        deadline = time.monotonic() + timeout_s
        probe = f"(() => {{ try {{ return Boolean({condition}); }} catch (e) {{ return false; }} }})()"
        while not self.evaluate(probe):
            if time.monotonic() > deadline:
                raise TimeoutError(f"page never satisfied {condition!r}")
            time.sleep(0.2)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport to ``path``."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
