#!/usr/bin/env python3
"""Load an HTML report in headless Chromium through the DevTools protocol.

    browser.py CHROMIUM PAGE.html SCREENSHOT.png [JS_EXPRESSION ...]

Prints one JSON object: {"errors": [...], "warnings": [...], "checks": [...]}.
`errors` lists every console error, uncaught exception, failed load and
Content-Security-Policy violation seen while the page loaded; `checks` the
value of each JS expression evaluated in the loaded page (returned by value).
A full-page screenshot is written to SCREENSHOT.png.

Needs the `websocket-client` package (scripts/report-tools.sh installs it).
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, timeout=60):
        end = time.time() + timeout
        for e in self.events:
            if e["method"] == method:
                return e
        while time.time() < end:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg
        raise TimeoutError(method)


# Chromium's first start on a cold, busy 2-core machine can take well over
# half a minute.
STARTUP_SECONDS = 180


def main():
    chromium, page_path, shot = sys.argv[1:4]
    exprs = sys.argv[4:]
    profile = tempfile.mkdtemp(prefix="cis-filters-chromium-")
    proc = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + STARTUP_SECONDS
        while time.time() < deadline:
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            if proc.poll() is not None:
                sys.exit(f"browser.py: {chromium} exited with {proc.returncode} before it listened")
            time.sleep(0.1)
        else:
            sys.exit(f"browser.py: Chromium did not open its DevTools port within {STARTUP_SECONDS} s")
        port = open(port_file).read().split("\n")[0].strip()
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        page = Page(ws_url)
        page.call("Runtime.enable")
        page.call("Log.enable")
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                  deviceScaleFactor=1, mobile=False)
        url = "file://" + os.path.abspath(page_path)
        page.call("Page.navigate", url=url)
        page.wait_event("Page.loadEventFired")
        checks = []
        for expr in exprs:
            r = page.call("Runtime.evaluate", expression=expr, returnByValue=True)
            if "exceptionDetails" in r:
                checks.append({"expr": expr, "exception": r["exceptionDetails"].get("text")})
            else:
                checks.append({"expr": expr, "value": r["result"].get("value")})
        metrics = page.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot_data = page.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        )
        with open(shot, "wb") as f:
            f.write(base64.b64decode(shot_data["data"]))
        errors, warnings = [], []
        for e in page.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                errors.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
            elif m == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                if p.get("type") in ("error", "assert"):
                    errors.append(f"console.{p['type']}: {text}")
                elif p.get("type") == "warning":
                    warnings.append(f"console.warn: {text}")
            elif m == "Log.entryAdded":
                entry = p.get("entry", {})
                line = f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
                if entry.get("level") == "error":
                    errors.append(line)
                elif entry.get("level") == "warning":
                    warnings.append(line)
        print(json.dumps({"errors": errors, "warnings": warnings, "checks": checks}))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
