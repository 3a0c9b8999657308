"""Resource levelling and resource-constrained scheduling (RCPSP), framework-free.

One call, two modes::

    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=1.0))

``problem`` is a :class:`LevelingProblem` (tasks with durations and demands, links with
lags, renewable resources with capacity that may vary by period, priorities, "within float
only"). The heuristic mode runs schedule generation schemes with priority rules and
forward-backward improvement; the exact mode adds a compiled genetic algorithm beside
OR-Tools CP-SAT and returns a proven optimum or a bound. See ``docs/algorithms/leveling.md``.
"""

from altitude.engine.leveling.model import (
    DEFAULT_PRIORITY,
    DO_NOT_LEVEL,
    Activity,
    CapacityChange,
    CyclicDependency,
    LevelingInputError,
    LevelingOptions,
    LevelingProblem,
    Link,
    LinkType,
    Mode,
    PriorityRule,
    Resource,
)
from altitude.engine.leveling.profiles import LoadProfile, LoadSegment
from altitude.engine.leveling.result import (
    LevelingResult,
    LevelingStatus,
    OverAllocation,
    TaskDates,
    TaskDelay,
)
from altitude.engine.leveling.solve import level

__all__ = [
    "DEFAULT_PRIORITY",
    "DO_NOT_LEVEL",
    "Activity",
    "CapacityChange",
    "CyclicDependency",
    "LevelingInputError",
    "LevelingOptions",
    "LevelingProblem",
    "LevelingResult",
    "LevelingStatus",
    "Link",
    "LinkType",
    "LoadProfile",
    "LoadSegment",
    "Mode",
    "OverAllocation",
    "PriorityRule",
    "Resource",
    "TaskDates",
    "TaskDelay",
    "level",
]
