"""Regenerate the README's screenshots of the four workspaces from the demo.

Starts what ``make run`` starts (``altitude serve --demo``) on a free port with a fresh
embedded database, signs in as each role in headless Chromium (Debian's, as the browser
tests use) and saves one PNG per workspace under ``docs/screenshots/``, cut at
``--max-height`` pixels so the README stays light.

    .venv/bin/python scripts/readme_screenshots.py [--out docs/screenshots] [--max-height 1800]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ALTITUDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]
PASSWORD = "demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_served(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("the server did not start:\n" + log.read_text())
            time.sleep(0.3)


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _shoot(page: Page, path: Path, max_height: int) -> None:
    height = min(max_height, int(page.evaluate("document.documentElement.scrollHeight")))
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": 0, "width": page.viewport_size["width"] if page.viewport_size else 1280,
                          "height": height})
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({height} px high)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--max-height", type=int, default=1800)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env |= {"ALTITUDE_VAR_DIR": tmp, "ALTITUDE_DEMO_PASSWORD": PASSWORD}
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen([sys.executable, "-m", "altitude.cli", "serve", "--demo", "--port", str(port)],
                                       stdout=out, stderr=subprocess.STDOUT, env=env)
            try:
                _wait_until_served(url, process, log)
                print(f"demo served at {url}; screenshots:")
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                    def signed_in(username: str) -> Page:
                        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                        _sign_in(page, url, username)
                        return page

                    page = signed_in("portfolio")  # lands on the portfolio board
                    page.wait_for_selector("#value-risk svg", timeout=15000)
                    _shoot(page, args.out / "portfolio.png", args.max_height)

                    page = signed_in("program")  # lands on the program cockpit
                    page.wait_for_selector("#roadmap[data-rendered] svg", timeout=15000)
                    _shoot(page, args.out / "program-cockpit.png", args.max_height)

                    page = signed_in("project")
                    page.goto(f"{url}/projects/")
                    page.get_by_role("link", name=re.compile("New e-commerce platform")).first.click()
                    page.get_by_role("link", name="Schedule", exact=True).click()
                    page.wait_for_selector(".gantt .bar-wrapper", timeout=15000)
                    _shoot(page, args.out / "project-gantt.png", args.max_height)

                    page = signed_in("member")  # lands on My work
                    page.wait_for_selector("h1:has-text('My work')")
                    _shoot(page, args.out / "my-work.png", args.max_height)
                    browser.close()
            finally:
                process.terminate()
                process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
