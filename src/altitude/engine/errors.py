"""Domain errors raised by the scheduling engine.

They are raised once, inside the engine, and translated once at the edge (CLI message,
HTTP 4xx, form error).  Each carries the ids users know (task ids, field names), never
array indices, so the message can be shown as is.
"""

from __future__ import annotations

from collections.abc import Sequence


class SchedulingError(Exception):
    """Base class of every error the scheduling engine raises on bad input."""


class ScheduleValidationError(SchedulingError, ValueError):
    """The input is invalid; ``task`` and ``field`` say where (``task`` may be None)."""

    def __init__(self, message: str, *, task: str | None = None, field: str | None = None) -> None:
        self.task = task
        self.field = field
        where = []
        if task is not None:
            where.append(f"task {task!r}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class CyclicDependency(SchedulingError):
    """The dependency graph has a cycle; ``tasks`` lists the members of one cycle, in order.

    The cycle is closed: the last task links back to the first one.
    """

    def __init__(self, tasks: Sequence[str]) -> None:
        self.tasks: tuple[str, ...] = tuple(tasks)
        shown = " -> ".join([*self.tasks, self.tasks[0]]) if self.tasks else "?"
        super().__init__(f"cyclic dependency between tasks: {shown}")


class CalendarError(ScheduleValidationError):
    """A calendar is invalid (overlapping hours, no working time at all, ...)."""


class ParentCycle(CyclicDependency, ScheduleValidationError):
    """Summary tasks contain each other (``parent`` loops back): a cycle and a validation
    error at once, naming the tasks of the loop, the first task and the ``parent`` field."""

    def __init__(self, tasks: Sequence[str]) -> None:
        CyclicDependency.__init__(self, tasks)
        shown = " -> ".join([*self.tasks, self.tasks[0]]) if self.tasks else "?"
        self.task = self.tasks[0] if self.tasks else None
        self.field = "parent"
        Exception.__init__(
            self, f"task {self.task!r}, field 'parent': summary tasks contain each other: {shown}"
        )
