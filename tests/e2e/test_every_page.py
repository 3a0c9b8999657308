"""Crawl the demo as each role: no JavaScript error, no foreign request, no broken link, on any page.

The crawler follows every same-origin link it sees (breadth first), so new pages are
covered as soon as something links to them. To keep the walk short it opens at most a
few URLs per route pattern (every project has the same workspace tabs), and for each
pattern one variant with a query string (filters, pagination).
"""

from __future__ import annotations

from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from altitude.demo import load_demo
from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Links the crawler must not follow: signing out ends the walk; the admin and the API
# reference are third-party pages with their own tests upstream; downloads are not pages.
SKIP_PREFIXES = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/")
PER_PATTERN = 2
MAX_PAGES = 150


@pytest.fixture
def full_demo(transactional_db: None) -> None:
    load_demo(PASSWORD, plans=True)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _pattern(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.view_name}{'?' if query else ''}"


def _crawl(page: Any, base: str, *, check_width: bool = False) -> tuple[list[str], list[str]]:
    """Visit pages breadth first from the landing page; return (visited paths, problems).

    ``check_width``: also report pages wider than the viewport (the page itself scrolls
    sideways instead of its wide table or chart scrolling inside its own box).
    """
    seen_per_pattern: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([(base + "/", "the sign-in")])
    queued = {base + "/"}
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        url, referrer = queue.popleft()
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        here = urlsplit(page.url)
        visited.append(here.path + (f"?{here.query}" if here.query else ""))
        if response is None or response.status >= 400:
            problems.append(f"{url} (linked from {referrer}) answered {response.status if response else 'nothing'}")
            continue
        if check_width:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 4:
                problems.append(f"{url} is {overflow}px wider than the screen")
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            link, _ = urldefrag(href)
            parts = urlsplit(link)
            if not link.startswith(base) or parts.path.startswith(SKIP_PREFIXES) or link in queued:
                continue
            pattern = _pattern(parts.path, parts.query)
            if pattern is None:
                problems.append(f"{page.url} links to {link}, which no route serves")
                continue
            if seen_per_pattern[pattern] >= (PER_PATTERN if not parts.query else 1):
                continue
            seen_per_pattern[pattern] += 1
            queued.add(link)
            queue.append((link, page.url))
    return visited, problems


@pytest.mark.parametrize("username", ["portfolio", "program", "project", "member"])
def test_every_page_is_clean(browser: Any, live_server: Any, full_demo: None, username: str, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url, username)
    visited, problems = _crawl(page, live_server.url)
    page.close()
    assert len(visited) >= 5, f"the crawl stopped early: {visited}"
    assert problems == []
    assert watch.errors == [], f"console errors while visiting {visited}"
    assert watch.foreign == []


def test_pages_fit_a_tablet(browser: Any, live_server: Any, full_demo: None, screenshot_dir: Path) -> None:
    """At 768 px no page scrolls sideways as a whole (wide tables and charts scroll inside their box)."""
    page = browser.new_page(viewport={"width": 768, "height": 1024})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url, "portfolio")
    visited, problems = _crawl(page, live_server.url, check_width=True)
    page.screenshot(path=str(screenshot_dir / "tablet-last-page.png"), full_page=True)
    page.close()
    assert len(visited) >= 5, f"the crawl stopped early: {visited}"
    assert problems == []
    assert watch.errors == [] and watch.foreign == []
