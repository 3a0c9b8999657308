"""PSPLIB readers, and a handful of j30 instances solved to proven optimality."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from altitude.engine.leveling import LevelingOptions, LevelingStatus, Mode, level
from altitude.interop.psplib import (
    PsplibFormatError,
    instance_key,
    parse_bounds,
    parse_makespans,
    parse_sm,
    read_sm,
)

DATA = (
    Path(
        os.environ.get(
            "ALTITUDE_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
        )
    )
    / "psplib"
)
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"PSPLIB data not found at {DATA}")

SMALL = """\
************************************************************************
jobs (incl. supersource/sink ):  4
horizon                       :  9
RESOURCES
  - renewable                 :  1   R
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       2
  4      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    3
************************************************************************
"""


def test_parse_small_instance_and_level_it() -> None:
    instance = parse_sm(SMALL, "tiny")
    assert instance.horizon == 9
    assert instance.capacities == (3,)
    assert [(j.number, j.duration, j.demands, j.successors) for j in instance.jobs] == [
        (1, 0, (0,), (2, 3)),
        (2, 3, (2,), (4,)),
        (3, 2, (2,), (4,)),
        (4, 0, (0,), ()),
    ]
    result = level(instance.to_problem(), LevelingOptions(mode=Mode.EXACT))
    assert (result.makespan, result.status) == (5, LevelingStatus.OPTIMAL)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL.replace("RESOURCEAVAILABILITIES", "NOTHING"), "RESOURCEAVAILABILITIES"),
        (SMALL.replace("  3      1     2       2", "  3      1     x       2"), "integers"),
        (
            SMALL.replace(
                "   2        1          1           4", "   2        1          2           4"
            ),
            "malformed",
        ),
        (SMALL.replace("    3\n", "    3 4\n"), "2 numbers for 1 declared resources"),
        (
            SMALL.replace("  - renewable                 :  1   R\n", "").replace("    3\n", "    3 4\n"),
            "job 1: 1 demands for 2 resources",
        ),
        (SMALL.replace("   3        1          1           4", "   3        2          1           4"), "2 modes"),
        (SMALL.replace("   3        1          1           4", "   3        1          1           7"),
         "successor 7 is not a job"),
        (SMALL.replace("  4      1     0       0\n", ""), "expected 4 jobs, read 3"),
        (SMALL.replace("  2      1     3       2", "  2      1     -3      2"), "must be >= 0"),
        (SMALL.replace("  3      1     2       2", "  2      1     2       2"), "job 2 appears twice"),
        ("", "PRECEDENCE RELATIONS"),
    ],
)
def test_malformed_files_say_where(text: str, message: str) -> None:
    with pytest.raises(PsplibFormatError, match=message):
        parse_sm(text)


def test_layout_variants_read_the_same() -> None:
    """Other tools write the same format with other spacing, line ends, rulers and labels."""
    reference = parse_sm(SMALL)
    variants = [
        SMALL.replace("\n", "\r\n"),
        SMALL.replace("------------------------------------------------------------------------\n", ""),
        SMALL.replace("jobs (incl. supersource/sink ):  4", "JOBS (incl. supersource/sink):4"),
        "\n".join("\t".join(line.split()) if line[:1] == " " else line for line in SMALL.splitlines()),
        SMALL.replace("RESOURCEAVAILABILITIES:\n", "RESOURCEAVAILABILITIES:\n\n"),
    ]
    for text in variants:
        assert parse_sm(text) == reference


def test_non_renewable_resources_are_checked_in_total_and_left_out_of_the_schedule() -> None:
    text = (
        SMALL.replace("  - renewable                 :  1   R\n",
                      "  - renewable                 :  1   R\n  - nonrenewable              :  1   N\n")
        .replace("  2      1     3       2", "  2      1     3       2   4")
        .replace("  1      1     0       0", "  1      1     0       0   0")
        .replace("  3      1     2       2", "  3      1     2       2   5")
        .replace("  4      1     0       0", "  4      1     0       0   0")
    )
    instance = parse_sm(text.replace("    3\n", "    3   9\n"))
    assert instance.capacities == (3,) and instance.jobs[1].demands == (2,)
    with pytest.raises(PsplibFormatError, match="non-renewable resource 2: the jobs need 9 in all, 8 available"):
        parse_sm(text.replace("    3\n", "    3   8\n"))


def test_instance_key() -> None:
    assert instance_key("j3013_7") == (13, 7)
    assert instance_key("j1201_10") == (1, 10)
    with pytest.raises(PsplibFormatError):
        instance_key("foo")


@needs_data
def test_reference_lists() -> None:
    optimum = parse_makespans((DATA / "j30opt.sm").read_text(encoding="latin-1"))
    assert len(optimum) == 480
    assert optimum[(1, 1)] == 43
    best = parse_makespans((DATA / "j120hrs.sm").read_text(encoding="latin-1"))
    assert len(best) == 600 and best[(1, 1)] == 105
    bounds = parse_bounds((DATA / "j120lb.sm").read_text(encoding="latin-1"))
    assert len(bounds) == 600
    assert (bounds[(1, 1)].upper, bounds[(1, 1)].lower, bounds[(1, 1)].proven) == (105, 104, False)
    assert parse_bounds((DATA / "j60lb.sm").read_text(encoding="latin-1"))[(1, 1)].proven


@needs_data
@pytest.mark.parametrize(
    ("name", "optimum"), [("j301_1", 43), ("j3010_10", 41), ("j3010_2", 56), ("j3011_1", 54)]
)
def test_j30_instances_solved_to_proven_optimality(name: str, optimum: int) -> None:
    instance = read_sm(DATA / "j30.sm" / f"{name}.sm")
    assert len(instance.jobs) == 32 and len(instance.capacities) == 4
    problem = instance.to_problem()
    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=3.0))
    assert result.makespan == optimum
    assert result.status is LevelingStatus.OPTIMAL
    assert result.bound == optimum
    dates = {t.id: t for t in result.tasks}
    for job in instance.jobs:
        for successor in job.successors:
            assert dates[str(successor)].start >= dates[str(job.number)].finish
    for period in range(result.makespan):
        for k, capacity in enumerate(instance.capacities):
            used = sum(
                job.demands[k]
                for job in instance.jobs
                if dates[str(job.number)].start <= period < dates[str(job.number)].finish
            )
            assert used <= capacity
