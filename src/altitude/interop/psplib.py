"""PSPLIB readers: single-mode RCPSP instances (``.sm``) and their reference results.

- :func:`parse_sm` / :func:`read_sm`: an instance (jobs, durations, successors, renewable
  demands and capacities), convertible to a levelling problem with :meth:`PsplibInstance.to_problem`.
- :func:`parse_makespans`: ``j30opt.sm`` (optimal makespans) and ``j60hrs.sm``/``j120hrs.sm``
  (best-known makespans): ``{(parameter, instance): makespan}``.
- :func:`parse_bounds`: ``j60lb.sm``/``j120lb.sm``: ``{(parameter, instance): Bounds}``.

Instance files are named ``j<size><parameter>_<instance>.sm`` (``j3013_7.sm``: j30,
parameter 13, instance 7); :func:`instance_key` recovers the key used by the lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from altitude.engine.leveling import Activity, LevelingProblem, Link, Resource


class PsplibFormatError(ValueError):
    """The text is not a valid PSPLIB file; the message says where."""


@dataclass(frozen=True, slots=True)
class PsplibJob:
    number: int
    duration: int
    demands: tuple[int, ...]
    successors: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PsplibInstance:
    name: str
    horizon: int
    capacities: tuple[int, ...]
    jobs: tuple[PsplibJob, ...]

    def to_problem(self) -> LevelingProblem:
        """Jobs become tasks ``"1"``..``"n"``, resources ``"R1"``..; links are FS, no lag."""
        resources = tuple(Resource(f"R{k + 1}", c) for k, c in enumerate(self.capacities))
        activities = tuple(
            Activity(
                str(job.number),
                job.duration,
                {f"R{k + 1}": q for k, q in enumerate(job.demands) if q > 0},
            )
            for job in self.jobs
        )
        links = tuple(
            Link(str(job.number), str(successor))
            for job in self.jobs
            for successor in job.successors
        )
        return LevelingProblem(activities, resources, links)


@dataclass(frozen=True, slots=True)
class Bounds:
    upper: int
    lower: int

    @property
    def proven(self) -> bool:
        return self.upper == self.lower


def _section(lines: list[str], title: str) -> int:
    for number, line in enumerate(lines):
        if line.strip().upper().startswith(title):
            return number
    raise PsplibFormatError(f"section {title!r} not found")


def _ints(line: str, where: str) -> list[int]:
    try:
        return [int(token) for token in line.split()]
    except ValueError as error:
        raise PsplibFormatError(f"{where}: expected integers in {line.strip()!r}") from error


def _field(lines: list[str], label: str) -> int:
    for line in lines:
        if line.strip().lower().startswith(label):
            return int(line.split(":", 1)[1].split()[0])
    raise PsplibFormatError(f"field {label!r} not found")


def parse_sm(text: str, name: str = "instance") -> PsplibInstance:
    """Parse a single-mode ``.sm`` instance."""
    lines = text.splitlines()
    jobs_count = _field(lines, "jobs (incl. supersource/sink )")
    horizon = _field(lines, "horizon")
    successors: dict[int, tuple[int, ...]] = {}
    start = _section(lines, "PRECEDENCE RELATIONS") + 2
    for line in lines[start : start + jobs_count]:
        values = _ints(line, "precedence relations")
        if len(values) < 3 or len(values) != 3 + values[2]:
            raise PsplibFormatError(f"precedence relations: malformed line {line.strip()!r}")
        successors[values[0]] = tuple(values[3:])
    start = _section(lines, "REQUESTS/DURATIONS") + 3
    jobs = []
    for line in lines[start : start + jobs_count]:
        values = _ints(line, "requests/durations")
        if len(values) < 3:
            raise PsplibFormatError(f"requests/durations: malformed line {line.strip()!r}")
        number = values[0]
        if number not in successors:
            raise PsplibFormatError(f"job {number} has durations but no precedence line")
        jobs.append(PsplibJob(number, values[2], tuple(values[3:]), successors[number]))
    start = _section(lines, "RESOURCEAVAILABILITIES") + 2
    capacities = tuple(_ints(lines[start], "resource availabilities"))
    if len(jobs) != jobs_count:
        raise PsplibFormatError(f"expected {jobs_count} jobs, read {len(jobs)}")
    for job in jobs:
        if len(job.demands) != len(capacities):
            raise PsplibFormatError(
                f"job {job.number}: {len(job.demands)} demands for {len(capacities)} resources"
            )
    return PsplibInstance(name, horizon, capacities, tuple(jobs))


def read_sm(path: Path | str) -> PsplibInstance:
    """Read a ``.sm`` instance file; its name is the file stem (``j301_1``)."""
    path = Path(path)
    return parse_sm(path.read_text(encoding="latin-1"), path.stem)


_KEY = re.compile(r"^j(30|60|90|120)(\d+)_(\d+)$")


def instance_key(name: str) -> tuple[int, int]:
    """``"j3013_7"`` -> ``(13, 7)``: the (parameter, instance) key of the reference lists."""
    match = _KEY.match(name)
    if match is None:
        raise PsplibFormatError(f"not a PSPLIB instance name: {name!r}")
    return int(match.group(2)), int(match.group(3))


def _rows(text: str) -> list[list[str]]:
    """Data rows: lines whose first two tokens are integers."""
    rows = []
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) >= 3 and all(t.isdigit() for t in tokens[:3]):
            rows.append(tokens)
    return rows


def parse_makespans(text: str) -> dict[tuple[int, int], int]:
    """``j30opt.sm`` or ``j60hrs.sm``/``j120hrs.sm``: makespan per (parameter, instance)."""
    return {(int(r[0]), int(r[1])): int(r[2]) for r in _rows(text)}


def parse_bounds(text: str) -> dict[tuple[int, int], Bounds]:
    """``j60lb.sm``/``j120lb.sm``: upper and lower bound per (parameter, instance)."""
    result = {}
    for row in _rows(text):
        if len(row) < 4 or not row[3].isdigit():
            raise PsplibFormatError(f"bounds: malformed row {' '.join(row)!r}")
        result[(int(row[0]), int(row[1]))] = Bounds(upper=int(row[2]), lower=int(row[3]))
    return result
