"""A small driver for headless Chromium, for book_check.py.

Chromium is started with --remote-debugging-pipe: it reads DevTools
protocol commands (JSON, each ended by a NUL byte) from its descriptor 3
and writes answers and events to its descriptor 4.  No web socket, no
library: the protocol is documented at chromedevtools.github.io.

    with Browser(profile_dir) as b:
        tab = b.open(width=400, height=800)
        tab.goto("http://127.0.0.1:8000/ch03.html")
        tab.eval("document.title")
"""
import fcntl
import json
import os
import subprocess
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--hide-scrollbars", "--remote-debugging-pipe"]


class CdpError(Exception):
    pass


def _high(fd):
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Browser:
    def __init__(self, profile, chromium="chromium", timeout=60):
        self.timeout = timeout
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # out of the way of 3 and 4, so that the dup2s below cannot clash
        to_chrome_r, from_chrome_w = (_high(to_chrome_r),
                                      _high(from_chrome_w))
        # Chromium wants the pipe on its descriptors 3 (in) and 4 (out)
        self.proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(to_chrome_r, 3),
                                os.dup2(from_chrome_w, 4)))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.send("Browser.close")
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise CdpError("Chromium did not answer in time")
            chunk = os.read(self._r, 65536)
            if not chunk:
                raise CdpError("Chromium closed its pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self._next += 1
        mid = self._next
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CdpError(f"{method}: {m['error'].get('message')}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, session, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method and e.get("sessionId") == session:
                    del self.events[i]
                    return e
            self.events.append(self._read_message(deadline))

    def open(self, width=1280, height=900, mobile=False):
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send("Target.attachToTarget",
                            {"targetId": target["targetId"],
                             "flatten": True})["sessionId"]
        tab = Tab(self, session)
        tab.send("Page.enable")
        tab.send("Runtime.enable")
        tab.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height,
                  "deviceScaleFactor": 1, "mobile": mobile})
        return tab


class Tab:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def send(self, method, params=None):
        return self.b.send(method, params, self.session)

    def goto(self, url, timeout=60):
        self.b.events = [e for e in self.b.events
                         if e.get("sessionId") != self.session]
        r = self.send("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise CdpError(f"{url}: {r['errorText']}")
        self.b.wait_event("Page.loadEventFired", self.session, timeout)

    def eval(self, expr, timeout=30):
        """The value of a JavaScript expression (awaited if a promise)."""
        r = self.send("Runtime.evaluate",
                      {"expression": expr, "awaitPromise": True,
                       "returnByValue": True, "timeout": timeout * 1000})
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d["text"]
            raise CdpError(f"script failed: {text}")
        return r["result"].get("value")

    def console(self):
        """Console messages and uncaught errors seen so far (and forgets
        them)."""
        out, keep = [], []
        for e in self.b.events:
            if e.get("sessionId") != self.session:
                keep.append(e)
            elif e["method"] == "Runtime.consoleAPICalled":
                args = e["params"].get("args", [])
                out.append(" ".join(str(a.get("value", a.get("description",
                                                              "")))
                                    for a in args))
            elif e["method"] == "Runtime.exceptionThrown":
                d = e["params"]["exceptionDetails"]
                out.append(d.get("exception", {}).get("description")
                           or d.get("text", ""))
            else:
                keep.append(e)
        self.b.events = keep
        return out
