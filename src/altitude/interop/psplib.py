"""PSPLIB readers: single-mode RCPSP instances (``.sm``) and their reference results.

- :func:`parse_sm` / :func:`read_sm`: an instance (jobs, durations, successors, renewable
  demands and capacities), convertible to a levelling problem with :meth:`PsplibInstance.to_problem`.
- :func:`parse_rcp` / :func:`read_rcp`: the same from Patterson's ``.rcp`` format, in which
  the other classical sets are published (Patterson's 110, RG30, RG300, and PSPLIB's own
  instances converted by other tools).
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


def _normal(text: str) -> str:
    """Lower case without whitespace: labels match however a file spaces them."""
    return "".join(text.split()).lower()


def _ints(line: str, where: str) -> list[int]:
    try:
        return [int(token) for token in line.split()]
    except ValueError as error:
        raise PsplibFormatError(f"{where}: expected integers in {line.strip()!r}") from error


def _field(lines: list[str], label: str) -> int | None:
    """The integer after ``label :`` (``jobs (incl. supersource/sink ):  32``), if present."""
    key = _normal(label)
    for line in lines:
        head, colon, rest = line.partition(":")
        if colon and _normal(head).lstrip("-").startswith(key):
            tokens = rest.split()
            if not tokens or not tokens[0].isdigit():
                raise PsplibFormatError(f"{label}: expected a number in {line.strip()!r}")
            return int(tokens[0])
    return None


def _rows(lines: list[str], title: str) -> list[list[int]]:
    """The integer rows of section ``title``: from its header to the next ``****`` line or
    the next header, skipping its column titles and rulers (not fixed line offsets: files
    written by other tools space them differently)."""
    key = _normal(title)
    start = next((n for n, line in enumerate(lines) if _normal(line).startswith(key)), None)
    if start is None:
        raise PsplibFormatError(f"section {title!r} not found")
    rows: list[list[int]] = []
    for line in lines[start + 1 :]:
        tokens = line.split()
        if line.strip().startswith("*"):
            break
        if not tokens:
            continue
        if tokens[0].lstrip("-").isdigit():
            rows.append(_ints(line, title.lower()))
        elif rows:
            break  # the next section began without a separator
    return rows


def parse_sm(text: str, name: str = "instance") -> PsplibInstance:
    """Parse a single-mode ``.sm`` instance.

    Non-renewable resources (``- nonrenewable : N``) do not constrain a single-mode
    schedule beyond their totals, which are checked; doubly constrained ones are both.
    Multi-mode (``.mm``) files are refused with a message, not misread.
    """
    lines = text.splitlines()
    declared_jobs = _field(lines, "jobs")
    horizon = _field(lines, "horizon")
    renewable, nonrenewable, doubly = (_field(lines, kind) for kind in ("renewable", "nonrenewable", "doubly"))
    successors: dict[int, tuple[int, ...]] = {}
    for values in _rows(lines, "PRECEDENCE RELATIONS"):
        if len(values) < 3 or len(values) != 3 + values[2]:
            raise PsplibFormatError(f"precedence relations: malformed line {' '.join(map(str, values))!r}")
        if values[1] != 1:
            raise PsplibFormatError(
                f"job {values[0]} has {values[1]} modes: only single-mode instances (.sm) can be read"
            )
        if values[0] in successors:
            raise PsplibFormatError(f"precedence relations: job {values[0]} appears twice")
        successors[values[0]] = tuple(values[3:])
    rows = _rows(lines, "REQUESTS/DURATIONS")
    availabilities = _rows(lines, "RESOURCEAVAILABILITIES")
    if not availabilities:
        raise PsplibFormatError("resource availabilities: no numbers after the header")
    available = availabilities[0]
    counts = [renewable, nonrenewable, doubly]
    if any(c is not None for c in counts) and sum(c or 0 for c in counts) != len(available):
        raise PsplibFormatError(
            f"resource availabilities: {len(available)} numbers for {sum(c or 0 for c in counts)} "
            f"declared resources"
        )
    # PSPLIB orders the columns renewable, non-renewable, doubly constrained.
    r, n = (renewable or 0, nonrenewable or 0) if any(c is not None for c in counts) else (len(available), 0)
    columns = [*range(r), *range(r + n, len(available))]  # what limits each period
    totals = range(r, len(available))  # what limits the sum over the project
    jobs = []
    seen: set[int] = set()
    for values in rows:
        if len(values) < 3:
            raise PsplibFormatError(f"requests/durations: malformed line {' '.join(map(str, values))!r}")
        number, duration, demands = values[0], values[2], values[3:]
        if number not in successors:
            raise PsplibFormatError(f"job {number} has durations but no precedence line")
        if number in seen:
            raise PsplibFormatError(f"requests/durations: job {number} appears twice")
        seen.add(number)
        if len(demands) != len(available):
            raise PsplibFormatError(f"job {number}: {len(demands)} demands for {len(available)} resources")
        if duration < 0 or any(q < 0 for q in demands):
            raise PsplibFormatError(f"job {number}: durations and demands must be >= 0")
        jobs.append(PsplibJob(number, duration, tuple(demands[k] for k in columns), successors[number]))
    if declared_jobs is not None and len(jobs) != declared_jobs:
        raise PsplibFormatError(f"expected {declared_jobs} jobs, read {len(jobs)}")
    if not jobs:
        raise PsplibFormatError("requests/durations: no jobs")
    missing = sorted(set(successors) - seen)
    if missing:
        raise PsplibFormatError(f"job {missing[0]} has a precedence line but no durations")
    unknown = sorted({s for job in jobs for s in job.successors} - seen)
    if unknown:
        raise PsplibFormatError(f"precedence relations: successor {unknown[0]} is not a job")
    for k in totals:
        used = sum(values[3 + k] for values in rows)
        if used > available[k]:
            raise PsplibFormatError(
                f"non-renewable resource {k + 1}: the jobs need {used} in all, {available[k]} available"
            )
    return PsplibInstance(name, horizon if horizon is not None else sum(j.duration for j in jobs),
                          tuple(available[k] for k in columns), tuple(jobs))


def read_sm(path: Path | str) -> PsplibInstance:
    """Read a ``.sm`` instance file; its name is the file stem (``j301_1``)."""
    path = Path(path)
    return parse_sm(path.read_text(encoding="latin-1"), path.stem)


def parse_rcp(text: str, name: str = "instance") -> PsplibInstance:
    """Parse Patterson's ``.rcp`` format: the number of activities (dummies included) and of
    renewable resources, the capacities, then per activity its duration, its demands, the
    number of its successors and their numbers (activities are numbered 1.. in file order).

    Read as one stream of integers, not by line: RG300 and converted files wrap long
    successor lists onto the next line. Each error names the activity and what was expected.
    """
    tokens = text.split()
    position = 0

    def take(what: str) -> int:
        nonlocal position
        if position >= len(tokens):
            raise PsplibFormatError(f"{what}: the file ends early (after {len(tokens)} numbers)")
        token = tokens[position]
        if not token.lstrip("-").isdigit():
            raise PsplibFormatError(
                f"{what}: expected an integer, got {token!r} (number {position + 1} of the file)"
            )
        position += 1
        return int(token)

    count = take("number of activities")
    resources = take("number of resources")
    if count < 1 or resources < 0:
        raise PsplibFormatError(
            f"header: expected at least 1 activity and 0 or more resources, got {count} and {resources}"
        )
    capacities = tuple(take(f"capacity of resource {k + 1}") for k in range(resources))
    if any(c < 0 for c in capacities):
        raise PsplibFormatError(f"capacities must be >= 0, got {list(capacities)}")
    jobs = []
    for number in range(1, count + 1):
        where = f"activity {number}"
        duration = take(f"{where} duration")
        demands = tuple(take(f"{where} demand of resource {k + 1}") for k in range(resources))
        if duration < 0 or any(q < 0 for q in demands):
            raise PsplibFormatError(f"{where}: durations and demands must be >= 0")
        successors = tuple(
            take(f"{where} successor") for _ in range(take(f"{where} successor count"))
        )
        outside = [s for s in successors if not 1 <= s <= count]
        if outside:
            raise PsplibFormatError(
                f"{where}: successor {outside[0]} is not an activity (1 to {count})"
            )
        jobs.append(PsplibJob(number, duration, demands, successors))
    if position < len(tokens):
        raise PsplibFormatError(
            f"{len(tokens) - position} numbers after the last of {count} activities "
            f"(from number {position + 1} of the file): is the activity count right?"
        )
    return PsplibInstance(name, sum(j.duration for j in jobs), capacities, tuple(jobs))


def read_rcp(path: Path | str) -> PsplibInstance:
    """Read a ``.rcp`` instance file; its name is the file stem."""
    path = Path(path)
    return parse_rcp(path.read_text(encoding="latin-1"), path.stem)


_KEY = re.compile(r"^j(30|60|90|120)(\d+)_(\d+)$")


def instance_key(name: str) -> tuple[int, int]:
    """``"j3013_7"`` -> ``(13, 7)``: the (parameter, instance) key of the reference lists."""
    match = _KEY.match(name)
    if match is None:
        raise PsplibFormatError(f"not a PSPLIB instance name: {name!r}")
    return int(match.group(2)), int(match.group(3))


def _data_rows(text: str) -> list[list[str]]:
    """Data rows: lines whose first three tokens are integers."""
    rows = []
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) >= 3 and all(t.isdigit() for t in tokens[:3]):
            rows.append(tokens)
    return rows


def parse_makespans(text: str) -> dict[tuple[int, int], int]:
    """``j30opt.sm`` or ``j60hrs.sm``/``j120hrs.sm``: makespan per (parameter, instance)."""
    return {(int(r[0]), int(r[1])): int(r[2]) for r in _data_rows(text)}


def parse_bounds(text: str) -> dict[tuple[int, int], Bounds]:
    """``j60lb.sm``/``j120lb.sm``: upper and lower bound per (parameter, instance)."""
    result = {}
    for row in _data_rows(text):
        if len(row) < 4 or not row[3].isdigit():
            raise PsplibFormatError(f"bounds: malformed row {' '.join(row)!r}")
        result[(int(row[0]), int(row[1]))] = Bounds(upper=int(row[2]), lower=int(row[3]))
    return result
