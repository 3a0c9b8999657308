"""Acceptance: what `make run` starts serves the app, and `portfolio` sees the portfolio.

Starts the real server command (`altitude serve --demo`) on a free port with an
empty embedded database, signs in through the login form in Chromium, and saves
a screenshot under var/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageWatch

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ALTITUDE_DEMO_PASSWORD", "DJANGO_SETTINGS_MODULE"}}
    env["ALTITUDE_VAR_DIR"] = str(var_dir)
    log = (var_dir / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "altitude.cli", "serve", "--demo", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + (var_dir / "serve.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
    output = (var_dir / "serve.log").read_text()
    assert "portfolio  demo" in output, output


def test_portfolio_manager_signs_in_and_sees_the_portfolio(browser: Any, served: str, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, served)
    page.goto(served + "/")
    assert "Sign in" in page.title()
    page.get_by_label("Username").fill("portfolio")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portfolios/*/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Northwind Group change portfolio"
    programs = page.locator("#programs + article h3, section[aria-labelledby=programs] article h3").all_inner_texts()
    assert programs == ["Digital Customer Experience", "Operations Modernisation"]
    body = page.locator("main").inner_text()
    for code in ("DCX-01", "DCX-02", "DCX-03", "OPS-01", "OPS-02", "OPS-03", "ESG-01"):
        assert code in body
    links = page.locator("nav[aria-label=Altitude] a").all_inner_texts()
    assert [" ".join(text.split(",")[0].split()) for text in links] == ["Portfolio", "Programs", "Projects", "My work"]
    # the demo left the portfolio manager unread notifications: the top bar counts them
    expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^\W*\d+ unread$"))
    page.screenshot(path=str(screenshot_dir / "make-run-portfolio.png"), full_page=True)
    assert watch.errors == []
    assert watch.foreign == []
    page.close()


def test_wrong_password_is_shown_and_static_files_are_served(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "/accounts/login/")
    page.get_by_label("Username").fill("portfolio")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    css = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert css == "rgb(31, 95, 168)"  # the stylesheet really loaded through WhiteNoise
    page.close()
