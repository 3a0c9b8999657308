"""The levelling problem: activities, links, renewable resources and options.

Everything here is a frozen dataclass validated on construction, so that the solvers can
trust their input and an error names the task and the field at the edge, not deep inside
a solver. Time is an integer number of time units from the project start (working minutes
for the web app, periods for PSPLIB); the problem never sees calendars or dates.
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from altitude.engine.errors import CyclicDependency as EngineCyclicDependency
from altitude.engine.errors import ScheduleValidationError

DEFAULT_PRIORITY = 500
"""MS Project's default task priority (0..1000); higher is levelled first."""

DO_NOT_LEVEL = 1000
"""MS Project's highest task priority, which means "do not level": levelling never delays
the task itself. It starts where its links (to predecessors that levelling may delay) and
its own dates put it, whatever its resources have left; the others level around its load,
and an over-allocation it makes is reported and held (nothing may move it), not hidden."""


class LevelingInputError(ScheduleValidationError):
    """Invalid levelling input; the message names the task/resource and the field.

    A :class:`~altitude.engine.errors.ScheduleValidationError`, so the edge translates
    levelling and scheduling errors in one place.
    """

    def __init__(self, message: str, *, task: str | None = None, field: str | None = None) -> None:
        # The message already names the task and field: skip the parent's prefix.
        Exception.__init__(self, message)
        self.task = task
        self.field = field


class CyclicDependency(EngineCyclicDependency, LevelingInputError):
    """The links form a cycle; ``cycle`` (and ``tasks``) list the tasks of one cycle in order.

    The scheduling engine's ``CyclicDependency``, so one ``except`` catches both.
    """

    def __init__(self, cycle: tuple[str, ...]) -> None:
        EngineCyclicDependency.__init__(self, cycle)
        self.task = cycle[0] if cycle else None
        self.field = "links"
        self.cycle = cycle


class LinkType(enum.Enum):
    """The four precedence link types, named as users know them."""

    FINISH_TO_START = "FS"
    START_TO_START = "SS"
    FINISH_TO_FINISH = "FF"
    START_TO_FINISH = "SF"


class Mode(enum.Enum):
    """Which solver: a fast heuristic, or CP-SAT with a proof of optimality or a gap."""

    HEURISTIC = "heuristic"
    EXACT = "exact"


class PriorityRule(enum.Enum):
    """Priority rules of the schedule generation scheme (smaller key is scheduled first)."""

    LATEST_START = "LST"
    LATEST_FINISH = "LFT"
    MIN_SLACK = "MSLK"
    MOST_SUCCESSORS = "MTS"
    GREATEST_RANK_WEIGHT = "GRPW"
    SHORTEST_DURATION = "SPT"


E = TypeVar("E", bound=enum.Enum)


def _whole(value: object, field: str, what: str, task: str | None = None) -> int:
    """``value`` as an int: times, units and priorities are whole numbers (periods, units).

    A float with a fraction (2.5 periods) would otherwise fail deep in the solvers with a
    numpy or CP-SAT type error; 2.0 and numpy integers are taken as they are meant. A bool is
    refused, as the JSON readers refuse it (``True`` periods is a mistake, not a number).
    """
    if type(value) is int:  # nearly always: the checks below cost a 10,000-task plan nothing
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise LevelingInputError(f"{what} must be a whole number, got {value!r}", task=task, field=field)


def _member(kind: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``kind``, by value ("FS", "exact") or name, or a clear error."""
    for member in kind:
        if value in (member.value, member.name):
            return member
    allowed = ", ".join(str(m.value) for m in kind)
    raise LevelingInputError(f"{field} must be one of {allowed}, got {value!r}", field=field)


@dataclass(frozen=True, slots=True)
class Link:
    """``successor`` may start/finish only ``lag`` units after ``predecessor`` starts/finishes.

    A negative lag is a lead.
    """

    predecessor: str
    successor: str
    type: LinkType = LinkType.FINISH_TO_START
    lag: int = 0

    def __post_init__(self) -> None:
        # "FS" as users and the JSON network write it is as good as LinkType.FINISH_TO_START
        # (until 2026-12-08 it got as far as the compiler and failed there with a KeyError)
        if not isinstance(self.type, LinkType):
            object.__setattr__(self, "type", _member(LinkType, self.type, "type"))
        object.__setattr__(self, "lag", _whole(self.lag, "lag", f"link {self.predecessor} -> {self.successor}: lag"))


@dataclass(frozen=True, slots=True)
class CapacityChange:
    """From ``start`` on (until the next change) the resource offers ``capacity`` units."""

    start: int
    capacity: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _whole(self.start, "changes", "capacity change start"))
        object.__setattr__(self, "capacity", _whole(self.capacity, "changes", "capacity change capacity"))


@dataclass(frozen=True, slots=True)
class Resource:
    """A renewable resource: a person, a team, a machine, a room.

    ``capacity`` holds from time 0; ``changes`` model availability that varies by period
    (holidays, part-time weeks, equipment arriving later). The last change holds forever.
    """

    id: str
    capacity: int
    changes: tuple[CapacityChange, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise LevelingInputError("resource id must not be empty", field="id")
        object.__setattr__(self, "capacity", _whole(self.capacity, "capacity", f"resource {self.id}: capacity"))
        if self.capacity < 0:
            raise LevelingInputError(
                f"resource {self.id}: capacity must be >= 0, got {self.capacity}", field="capacity"
            )
        previous = 0
        for change in self.changes:
            if change.start < previous or change.capacity < 0:
                raise LevelingInputError(
                    f"resource {self.id}: capacity changes must be sorted by start, "
                    f"at times >= 0, with capacity >= 0",
                    field="changes",
                )
            previous = change.start

    def capacity_at(self, time: int) -> int:
        """Capacity during period ``[time, time + 1)``."""
        capacity = self.capacity
        for change in self.changes:
            if change.start > time:
                break
            capacity = change.capacity
        return capacity

    @property
    def max_capacity(self) -> int:
        return max([self.capacity, *(c.capacity for c in self.changes)])


def _frozen_demands(demands: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(demands))


@dataclass(frozen=True, slots=True)
class Activity:
    """A task to level.

    ``demands`` maps resource id to units used in every period the task runs.
    ``earliest_start``/``latest_start`` come from date constraints (SNET/FNET, SNLT/FNLT,
    MSO/MFO) converted to time units at the edge. A ``splittable`` task may be
    interrupted: it then works in whichever periods its resources are free. ``priority`` is
    MS Project's 0 to 1000; 1000 is :data:`DO_NOT_LEVEL`.
    """

    id: str
    duration: int
    demands: Mapping[str, int] = field(default_factory=dict)
    priority: int = DEFAULT_PRIORITY
    project: str | None = None
    splittable: bool = False
    earliest_start: int = 0
    latest_start: int | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise LevelingInputError("task id must not be empty", field="id")
        for name in ("duration", "priority", "earliest_start", "latest_start"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _whole(value, name, f"task {self.id}: {name}", self.id))
        demands = {resource: _whole(units, "demands", f"task {self.id}: demand on {resource}", self.id)
                   for resource, units in self.demands.items()}
        if self.duration < 0:
            raise LevelingInputError(
                f"task {self.id}: duration must be >= 0, got {self.duration}",
                task=self.id,
                field="duration",
            )
        if not 0 <= self.priority <= DO_NOT_LEVEL:
            raise LevelingInputError(
                f"task {self.id}: priority must be 0 to {DO_NOT_LEVEL}, got {self.priority}",
                task=self.id,
                field="priority",
            )
        for resource, units in demands.items():
            if units < 0:
                raise LevelingInputError(
                    f"task {self.id}: demand on {resource} must be >= 0, got {units}",
                    task=self.id,
                    field="demands",
                )
        if self.earliest_start < 0:
            raise LevelingInputError(
                f"task {self.id}: earliest_start must be >= 0", task=self.id, field="earliest_start"
            )
        if self.latest_start is not None and self.latest_start < self.earliest_start:
            raise LevelingInputError(
                f"task {self.id}: latest_start {self.latest_start} is before "
                f"earliest_start {self.earliest_start}",
                task=self.id,
                field="latest_start",
            )
        object.__setattr__(self, "demands", _frozen_demands(demands))


@dataclass(frozen=True, slots=True)
class LevelingProblem:
    """Tasks of one or many projects on a shared pool of resources.

    ``project_priorities`` ranks projects of a program or portfolio (higher first);
    ``within_float`` forbids moving any task past its late start, so the project finish
    never moves (over-allocations that cannot be removed that way are reported).
    """

    activities: tuple[Activity, ...]
    resources: tuple[Resource, ...]
    links: tuple[Link, ...] = ()
    project_priorities: Mapping[str, int] = field(default_factory=dict)
    within_float: bool = False

    def __post_init__(self) -> None:
        ids: set[str] = set()
        for activity in self.activities:
            if activity.id in ids:
                raise LevelingInputError(
                    f"task {activity.id} is defined twice", task=activity.id, field="id"
                )
            ids.add(activity.id)
        resource_ids: set[str] = set()
        for resource in self.resources:
            if resource.id in resource_ids:
                raise LevelingInputError(f"resource {resource.id} is defined twice", field="id")
            resource_ids.add(resource.id)
        for activity in self.activities:
            for resource_id in activity.demands:
                if resource_id not in resource_ids:
                    raise LevelingInputError(
                        f"task {activity.id}: unknown resource {resource_id}",
                        task=activity.id,
                        field="demands",
                    )
        for link in self.links:
            for end, name in ((link.predecessor, "predecessor"), (link.successor, "successor")):
                if end not in ids:
                    raise LevelingInputError(
                        f"link {link.predecessor} -> {link.successor}: unknown task {end}",
                        task=end,
                        field=name,
                    )
            if link.predecessor == link.successor:
                raise CyclicDependency((link.predecessor,))
        object.__setattr__(
            self, "project_priorities", MappingProxyType(dict(self.project_priorities))
        )


DEFAULT_BUDGET_SECONDS = {Mode.HEURISTIC: 0.5, Mode.EXACT: 1.0}
"""Budget when none is given: the heuristic answers interactively (the web app's budget too;
a 10,000-task program is levelled in about half a second, ``make bench``); the exact mode
proves most small plans optimal in a second (all of PSPLIB j30 within it)."""


@dataclass(frozen=True, slots=True)
class LevelingOptions:
    """How to level: which mode, the time budget, the priority rule and the seed.

    Without a budget each mode has its own (:data:`DEFAULT_BUDGET_SECONDS`): the heuristic is
    the interactive mode, and a second of it on a 10,000-task program was most of a second
    a user waited for a few periods at most.
    """

    mode: Mode = Mode.HEURISTIC
    time_limit_seconds: float | None = None
    seed: int = 0
    priority_rule: PriorityRule = PriorityRule.LATEST_START
    workers: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.mode, Mode):
            object.__setattr__(self, "mode", _member(Mode, self.mode, "mode"))
        if not isinstance(self.priority_rule, PriorityRule):
            object.__setattr__(self, "priority_rule", _member(PriorityRule, self.priority_rule, "priority_rule"))
        if self.time_limit_seconds is not None and not 0 <= self.time_limit_seconds < math.inf:
            raise LevelingInputError(
                f"time_limit_seconds must be a finite number >= 0, got {self.time_limit_seconds}",
                field="time_limit_seconds",
            )
        if self.workers < 1:
            raise LevelingInputError("workers must be >= 1", field="workers")

    @property
    def budget_seconds(self) -> float:
        """The time budget: the one given, or the mode's default."""
        if self.time_limit_seconds is None:
            return DEFAULT_BUDGET_SECONDS[self.mode]
        return self.time_limit_seconds
