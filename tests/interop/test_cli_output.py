"""Every command that writes a result checks ``-o`` before it works, and never ends in a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from altitude.cli import app
from tests.interop.test_network_json import doc

COMMANDS = ["schedule", "level", "simulate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_result_goes_to_the_file_named(tmp_path: Path, command: str) -> None:
    src, out = tmp_path / "net.json", tmp_path / "result.json"
    src.write_text(json.dumps(doc()))
    result = CliRunner().invoke(app, [command, str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) and result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("where", "message"),
    [("missing/result.json", "the folder"), (".", "it is a folder")],
    ids=["missing-folder", "a-folder"],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_work(
        tmp_path: Path, command: str, where: str, message: str) -> None:
    src = tmp_path / "net.json"
    src.write_text(json.dumps(doc()))
    target = tmp_path / where
    result = CliRunner().invoke(app, [command, str(src), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert f"cannot write {target}" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "missing").exists()
