"""Suite-wide set-up: markers, the database banner, and the shared personas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_ENGINE_DIRS = ("engine", "interop")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Engine/interop tests never touch a database: mark them so they run once, not per database."""
    tests_root = Path(__file__).parent
    for item in items:
        relative = Path(str(item.fspath)).relative_to(tests_root)
        if relative.parts and relative.parts[0] in _ENGINE_DIRS:
            item.add_marker(pytest.mark.engine)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The SQLite test database is a file in WAL mode, as the one ``altitude serve`` uses.

    Django would test SQLite on a shared-cache in-memory database, where locks behave unlike
    the product's: a connection meeting another's table lock can fail at once ("database
    table is locked"; the busy timeout does not apply to shared-cache locks). The browser
    tests run the live server's request threads beside the background worker's thread, which
    polls its queue in an exclusive transaction every second, so a page now and then failed
    to load (CI of 45efde9). On a file in WAL mode, readers go on while a writer writes, and
    a second writer waits up to the busy timeout, as in production."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"].endswith("sqlite3"):
            test = settings_dict.setdefault("TEST", {})
            test["NAME"] = str(tmp_path_factory.mktemp("sqlite") / f"test_{alias}.sqlite3")


def _database_line() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    where = "embedded" if engine == "sqlite3" else f"{db.get('HOST')}:{db.get('PORT')}"
    return f"database: {'SQLite' if engine == 'sqlite3' else 'PostgreSQL'} ({where})"


def pytest_report_header(config: pytest.Config) -> str:
    return _database_line()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"This run used {_database_line()}")


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Render templates without collectstatic; hash test passwords fast (Argon2 is slow on purpose)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise serves from the finders here, but warns on every request handler of a fresh
    # clone ("No directory at: var/static/") until collectstatic, which `altitude serve` runs.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
