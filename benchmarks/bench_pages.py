"""Server time of every page of the demo, per role (issue 6: no page over 300 ms).

Loads the full demo into a throwaway database (SQLite in a temporary directory, or the
database of ``DATABASE_URL``), then, for each demo role, visits every page reachable
from the landing page through links (GET only, the app's own paths; the admin, the API
and downloads are left out), each ``--repeat`` times in Django's test client, and
prints the slowest pages with their median server time and query count.  The client
runs the whole request in this process (middleware, views, templates) without a
network, so the figure is the server's share of a page view.

    .venv/bin/python benchmarks/bench_pages.py [--repeat 3] [--top 15] [--roles portfolio,member]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.web.page_crawl import Visit

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0
ROLES = ("portfolio", "program", "project", "member", "executive", "admin")


def _setup(tmp: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["ALTITUDE_SQLITE_PATH"] = str(tmp / "bench-pages.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altitude.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # no collectstatic here: plain storage (the manifest lookup it skips is a dict read)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="visits per page (median reported)")
    parser.add_argument("--top", type=int, default=15, help="slowest pages printed")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma list of demo logins")
    parser.add_argument("--max-pages", type=int, default=400, help="pages per role at most")
    parser.add_argument("--per-shape", type=int, default=4,
                        help="pages of one kind (same path pattern and parameter names) per role")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from django.db import connection

        from altitude.demo import has_data, load_demo

        started = time.perf_counter()
        if not has_data():
            load_demo("bench-pages", plans=True)
        print(f"bench_pages: database {connection.vendor}, demo loaded in "
              f"{time.perf_counter() - started:.1f} s, load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores; {args.repeat} visits per page")
        from django.test import Client
        from tests.web.page_crawl import crawl

        from altitude.accounts.models import User

        everything: list[tuple[str, Visit]] = []
        for role in args.roles.split(","):
            role_started = time.perf_counter()
            client = Client()
            client.force_login(User.objects.get(username=role.strip()))
            pages = crawl(client, repeat=args.repeat, per_shape=args.per_shape, max_pages=args.max_pages)
            everything += [(role, p) for p in pages]
            failed = [p for p in pages if p.status >= 400]
            print(f"  {role}: {len(pages)} pages in {time.perf_counter() - role_started:.1f} s; "
                  f"median of medians {statistics.median(p.median_ms for p in pages):.0f} ms; "
                  f"answers >= 400: {len(failed)}")
            for page in failed:
                print(f"    {page.status} {page.path}")

    slowest = sorted(everything, key=lambda rp: rp[1].median_ms, reverse=True)[: args.top]
    print(f"slowest {len(slowest)} (median / worst of {args.repeat}, queries):")
    for role, page in slowest:
        print(f"  {page.median_ms:7.1f} ms / {page.worst_ms:7.1f} ms  {page.queries:4d} q  "
              f"{role:9s} {page.path}")
    role, worst = max(everything, key=lambda rp: rp[1].median_ms)
    verdict = "PASS" if worst.median_ms < TARGET_MS else "FAIL"
    print(f"{len(everything)} pages measured; slowest median {worst.median_ms:.0f} ms "
          f"({role} {worst.path}) (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
