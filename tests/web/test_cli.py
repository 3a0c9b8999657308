"""The ``altitude`` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import altitude
from altitude.cli import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"altitude {altitude.__version__}"


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "demo", "manage"):
        assert command in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_demo_loads_once_and_prints_logins(tmp_path: Path, host: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "ALTITUDE_VAR_DIR": str(tmp_path), "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "altitude.cli", "demo", "--host", host]
    first = subprocess.run([*command], capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    for username in ("portfolio", "program", "project", "member", "executive", "admin"):
        assert f"  {username} " in first.stdout
    password = first.stdout.split("portfolio", 2)[-1].split()[0]
    assert (password == "demo") == (host == "127.0.0.1")
    second = subprocess.run([*command], capture_output=True, text=True, env=env, check=False)
    assert second.returncode == 1
    assert "already holds portfolios" in second.stderr
