"""From the scheduling engine's input (calendars, dates, constraints) to a levelling problem.

The levelling problem works on one integer axis. Here that axis is working minutes of the
network's calendars as the CPM engine computes them: the CPM early start of each task (which
already holds the project start, SNET/FNET/MSO/MFO constraints, the status date and
progress) becomes the task's earliest start, its remaining working time its duration.
Simplifications, stated in ``docs/algorithms/leveling.md``:

- all tasks are levelled on one working-minute axis (tasks on other calendars are read on
  their own calendar's offsets, which is exact only when calendars share working time);
- MSO/MFO tasks are pinned at their CPM start; SNLT/FNLT tasks may move only within their
  CPM late start;
- summary tasks are not levelled (their children are); links touching them are dropped;
- elapsed-time lags are read as working-minute lags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from altitude.engine.calendars import from_minutes
from altitude.engine.cpm import ScheduleResult, offsets_to_instants, schedule
from altitude.engine.leveling.model import (
    DEFAULT_PRIORITY,
    Activity,
    LevelingProblem,
    Link,
    LinkType,
    Resource,
)
from altitude.engine.network import ConstraintType, Network, ScheduleInput, build_network
from altitude.engine.network import LinkType as CpmLinkType

_LINK_TYPES = {
    CpmLinkType.FS: LinkType.FINISH_TO_START,
    CpmLinkType.SS: LinkType.START_TO_START,
    CpmLinkType.FF: LinkType.FINISH_TO_FINISH,
    CpmLinkType.SF: LinkType.START_TO_FINISH,
}
_PINNED = (ConstraintType.MSO, ConstraintType.MFO)
_NO_LATER = (ConstraintType.SNLT, ConstraintType.FNLT)


@dataclass(frozen=True, slots=True)
class TaskResourcing:
    """What levelling needs of a task beyond the CPM input."""

    demands: Mapping[str, int]
    priority: int = DEFAULT_PRIORITY
    splittable: bool = False


@dataclass(frozen=True, eq=False)
class ScheduledProblem:
    """The levelling problem with the CPM network and result it was read from."""

    problem: LevelingProblem
    network: Network
    cpm: ScheduleResult

    def dates(
        self, task_ids: Sequence[str], offsets: Sequence[int], finish: bool
    ) -> list[dt.datetime]:
        """Working-minute offsets of tasks back to local date-times.

        A zero-length task's start is its finish (as the scheduler shows it) when levelling
        moved it, since a predecessor's finish then drives it; unmoved, it keeps the
        scheduler's rule (Monday 17:00 after a finish, Tuesday 08:00 after a start).
        """
        index = self.network.index()
        rows = np.array([index[t] for t in task_ids], dtype=np.int64)
        values = np.zeros(self.network.size, dtype=np.int64)
        values[rows] = np.asarray(offsets, dtype=np.int64)
        side: bool | npt.NDArray[np.bool_] = finish
        if not finish:
            cpm = self.cpm
            zero = (cpm.early_finish == cpm.early_start) & ~self.network.summary
            side = zero & ((values != cpm.early_start) | cpm.milestone_finish_side())
        instants = offsets_to_instants(self.network, values, side)
        return [from_minutes(int(instants[r]), self.network.epoch) for r in rows]


def problem_from_schedule(
    spec: ScheduleInput,
    resources: Sequence[Resource],
    resourcing: Mapping[str, TaskResourcing],
    *,
    project_priorities: Mapping[str, int] | None = None,
    within_float: bool = False,
) -> ScheduledProblem:
    """Run CPM on ``spec`` and build the levelling problem of its leaf tasks.

    Raises the CPM engine's ``ScheduleValidationError``/``CyclicDependency`` on bad input.
    """
    network = build_network(spec)
    cpm = schedule(network)
    summaries = {t.parent for t in spec.tasks if t.parent}
    index = network.index()
    activities = []
    for task in spec.tasks:
        if task.id in summaries:
            continue
        i = index[task.id]
        early = max(int(cpm.early_start[i]), 0)
        duration = max(int(cpm.early_finish[i]) - int(cpm.early_start[i]), 0)
        latest: int | None = None
        if task.constraint.type in _PINNED:
            latest = early
        elif task.constraint.type in _NO_LATER:
            latest = max(int(cpm.late_start[i]), early)
        extra = resourcing.get(task.id, TaskResourcing({}))
        activities.append(
            Activity(
                id=task.id,
                duration=duration,
                demands=extra.demands,
                priority=extra.priority,
                project=task.project,
                splittable=extra.splittable,
                earliest_start=early,
                latest_start=latest,
            )
        )
    links = tuple(
        Link(link.predecessor, link.successor, _LINK_TYPES[link.type], link.lag_minutes)
        for link in spec.links
        if link.predecessor not in summaries and link.successor not in summaries
    )
    problem = LevelingProblem(
        activities=tuple(activities),
        resources=tuple(resources),
        links=links,
        project_priorities=dict(project_priorities or {}),
        within_float=within_float,
    )
    return ScheduledProblem(problem, network, cpm)
