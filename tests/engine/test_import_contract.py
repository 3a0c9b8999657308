"""The engine and interop packages must stay framework-free (DESIGN.md section 3).

Checked two ways: statically, no module there names Django or an Altitude app in
an import; dynamically, importing every module in a fresh interpreter loads no
``django`` module.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import altitude

SRC = Path(altitude.__file__).parent
FRAMEWORK_FREE = ("engine", "interop")
FORBIDDEN_PREFIXES = (
    "django", "ninja", "altitude.core", "altitude.accounts", "altitude.strategy", "altitude.delivery",
    "altitude.resources", "altitude.governance", "altitude.benefits", "altitude.reporting", "altitude.config",
    "altitude.demo",
)


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", FRAMEWORK_FREE)
def test_no_framework_import_in_source(package: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules(package)
        for name in _imports(path)
        if name.startswith(FORBIDDEN_PREFIXES)
    ]
    assert _modules(package), f"altitude.{package} has no module"
    assert offenders == []


def test_checker_catches_a_django_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport altitude.core.models\n")
    assert [n for n in _imports(bad) if n.startswith(FORBIDDEN_PREFIXES)] == ["django.db", "altitude.core.models"]


def test_importing_every_engine_module_loads_no_django() -> None:
    names = [
        info.name
        for package in FRAMEWORK_FREE
        for info in pkgutil.walk_packages([str(SRC / package)], prefix=f"altitude.{package}.")
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'ninja')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
