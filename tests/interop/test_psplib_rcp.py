"""Patterson's ``.rcp`` format: the same instances as ``.sm``, written as one stream of numbers
(levelled from the command line in ``tests/engine/test_leveling_cli.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from altitude.cli import app
from altitude.interop.psplib import PsplibFormatError, PsplibInstance, parse_rcp, parse_sm, read_rcp
from tests.interop.test_psplib import DATA, SMALL, needs_data

# SMALL (tests/interop/test_psplib.py) in Patterson's format: 4 activities, 1 resource of 3;
# then per activity duration, demand, successor count, successors.
TINY_RCP = """\
4 1
3
0 0 2 2 3
3 2 1 4
2 2 1 4
0 0 0
"""


def as_rcp(instance: PsplibInstance, wrap: int = 0) -> str:
    """``instance`` written in Patterson's format; ``wrap`` > 0 breaks each successor list
    after that many numbers, as RG300 files do."""
    lines = [
        f"{len(instance.jobs)} {len(instance.capacities)}",
        " ".join(map(str, instance.capacities)),
    ]
    for job in instance.jobs:
        head = [job.duration, *job.demands, len(job.successors)]
        successors = list(job.successors)
        if wrap and len(successors) > wrap:
            lines.append(" ".join(map(str, head + successors[:wrap])))
            lines.append("      " + " ".join(map(str, successors[wrap:])))
        else:
            lines.append(" ".join(map(str, head + successors)))
    return "\n".join(lines) + "\n"


def test_rcp_reads_as_the_same_instance_as_sm() -> None:
    sm = parse_sm(SMALL, "tiny")
    rcp = parse_rcp(TINY_RCP, "tiny")
    assert rcp.jobs == sm.jobs and rcp.capacities == sm.capacities
    assert rcp.horizon == 5  # the sum of durations: the format has no horizon of its own
    assert parse_rcp(TINY_RCP.replace("\n", "\r\n"), "tiny") == rcp
    assert parse_rcp(TINY_RCP.replace("0 0 2 2 3\n", "0 0 2 2\n\t 3\n"), "tiny") == rcp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "number of activities: the file ends early"),
        ("4 1\n3\n0 0 2 2 3\n3 2 1 4\n2 2 1 4\n", "activity 4 duration: the file ends early"),
        (
            TINY_RCP.replace("3 2 1 4", "3 x 1 4"),
            r"activity 2 demand of resource 1: expected an integer, got 'x' \(number 10 of the file\)",
        ),
        (
            TINY_RCP.replace("3 2 1 4", "3 2 1 7"),
            r"activity 2: successor 7 is not an activity \(1 to 4\)",
        ),
        (TINY_RCP.replace("3 2 1 4", "-3 2 1 4"), "activity 2: durations and demands must be >= 0"),
        (TINY_RCP.replace("4 1\n3\n", "4 1\n-3\n"), "capacities must be >= 0"),
        (TINY_RCP.replace("4 1\n", "0 1\n"), "at least 1 activity"),
        (TINY_RCP + "5 1 0\n", "3 numbers after the last of 4 activities"),
    ],
)
def test_malformed_rcp_files_say_where(text: str, message: str) -> None:
    with pytest.raises(PsplibFormatError, match=message):
        parse_rcp(text)


@needs_data
def test_every_j30_instance_reads_the_same_from_rcp(tmp_path: Path) -> None:
    files = sorted((DATA / "j30.sm").glob("*.sm"))
    assert len(files) == 480
    for path in files:
        instance = parse_sm(path.read_text(encoding="latin-1"), path.stem)
        copy = tmp_path / f"{path.stem}.rcp"
        copy.write_text(as_rcp(instance, wrap=2), encoding="latin-1")
        read = read_rcp(copy)
        assert (read.name, read.capacities, read.jobs) == (
            instance.name,
            instance.capacities,
            instance.jobs,
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            TINY_RCP.replace("3 2 1 4", "3 2 1 7"),
            "error: activity 2: successor 7 is not an activity (1 to 4)",
        ),
        (
            TINY_RCP.replace("2 2 1 4", "2 2 1 2").replace("3 2 1 4", "3 2 1 3"),
            "error: cyclic dependency between tasks: 2 -> 3 -> 2",
        ),
    ],
)
def test_level_rcp_errors_exit_1_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "bad.rcp"
    source.write_text(text, encoding="latin-1")
    result = CliRunner().invoke(app, ["level", str(source)])
    assert result.exit_code == 1
    assert message in result.output
