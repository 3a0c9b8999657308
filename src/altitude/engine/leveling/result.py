"""What levelling returns: dates, delays with their reasons, load profiles, over-allocations."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from altitude.engine.leveling.model import Mode
from altitude.engine.leveling.profiles import LoadProfile


class LevelingStatus(enum.Enum):
    """``optimal``: proven shortest; ``feasible``: no over-allocation, maybe not shortest;
    ``infeasible``: some over-allocation could not be removed (listed in the result)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True, slots=True)
class TaskDates:
    """Levelled dates of one task; ``pieces`` are its working periods (several if split)."""

    id: str
    start: int
    finish: int
    pieces: tuple[tuple[int, int], ...]
    early_start: int

    @property
    def delay(self) -> int:
        """How much later than the resource-free critical-path schedule the task starts."""
        return self.start - self.early_start


@dataclass(frozen=True, slots=True)
class TaskDelay:
    """Why a task starts later than its early start.

    ``predecessor`` drove part of the delay (it was itself delayed); ``resource`` and
    ``competing_tasks`` say who held the resource when the task could otherwise have started.
    ``successor``: the delay keeps a do-not-level task that follows it (and goes where it
    puts it) out of that resource's over-allocation; the resource is that task's, not its own.
    """

    task: str
    delay: int
    predecessor: str | None
    resource: str | None
    competing_tasks: tuple[str, ...]
    successor: str | None = None


@dataclass(frozen=True, slots=True)
class OverAllocation:
    """Over ``[start, end)`` ``resource`` carries ``load`` > ``capacity`` (``tasks`` at start)."""

    resource: str
    start: int
    end: int
    load: int
    capacity: int
    tasks: tuple[str, ...]
    held: tuple[str, ...] = ()
    """The tasks that cannot move out of it by themselves: do-not-level tasks, and tasks with
    a latest start (or that a do-not-level task waits for) where no start between it and
    their predecessors' dates lets them run without over-allocating, every other task
    staying put. Why the run stays, along with any task needing more than ``capacity`` alone."""


@dataclass(frozen=True, slots=True)
class LevelingResult:
    """The levelled schedule; ``bound`` is a proven lower bound on the makespan."""

    status: LevelingStatus
    mode: Mode
    makespan: int
    bound: int
    tasks: tuple[TaskDates, ...]
    delays: tuple[TaskDelay, ...]
    load_before: tuple[LoadProfile, ...]
    load_after: tuple[LoadProfile, ...]
    overallocations: tuple[OverAllocation, ...]
    passes: int
    unmet_links: tuple[tuple[str, str], ...] = ()
    """(predecessor, successor) links left out because the successor is pinned at a date
    they cannot meet (a constraint, or work already started): the pin wins, as in the
    scheduler, whatever the resources."""

    @property
    def gap(self) -> float:
        """Relative distance between the makespan and the bound (0.0 when proven optimal)."""
        if self.makespan <= 0:
            return 0.0
        return max(self.makespan - self.bound, 0) / self.makespan

    def task(self, task_id: str) -> TaskDates:
        for dates in self.tasks:
            if dates.id == task_id:
                return dates
        raise KeyError(task_id)
