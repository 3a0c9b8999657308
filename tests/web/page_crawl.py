"""Visit every page reachable through links, in-process, counting queries and time.

Shared by ``test_query_budgets.py`` (every page of the demo within a query budget) and
``benchmarks/bench_pages.py`` (server time of every page).  GET only, the app's own
paths; the admin, the API and static files are left out.  Month and week navigation
links lead on without end, so at most ``per_shape`` pages of one kind are visited (same
path pattern, same query parameter names).
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlparse

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout", "/media/")


@dataclass(frozen=True)
class Visit:
    path: str
    status: int
    queries: int
    median_ms: float
    worst_ms: float
    referrer: str


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def page_shape(path: str) -> str:
    """The kind of page a path is: ids become '#', only the names of the query parameters count."""
    url = urlparse(path)
    names = sorted({name for name, _ in parse_qsl(url.query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", url.path) + "?" + ",".join(names)


def own_paths(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        url = urlparse(urldefrag(urljoin(base, href))[0])
        if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if not path.startswith(SKIPPED_PREFIXES):
            paths.append(path)
    return paths


def crawl(client: Client, *, repeat: int = 1, per_shape: int = 4, max_pages: int = 400) -> list[Visit]:
    """Breadth first from the landing page; each page is fetched ``repeat`` times."""
    seen, queue = {"/"}, deque([("/", "")])
    shapes: Counter[str] = Counter()
    visits: list[Visit] = []
    while queue and len(visits) < max_pages:
        path, referrer = queue.popleft()
        times = []
        for _ in range(repeat):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        visits.append(Visit(path, response.status_code, len(queries.captured_queries),
                            statistics.median(times), max(times), referrer))
        if response.status_code in (301, 302):
            targets = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            targets = own_paths(path, response.content.decode())
        else:
            targets = []
        for target in targets:
            if target not in seen and shapes[page_shape(target)] < per_shape:
                seen.add(target)
                shapes[page_shape(target)] += 1
                queue.append((target, path))
    return visits
