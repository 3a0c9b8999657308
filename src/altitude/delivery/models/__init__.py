"""Delivery models: programs and projects (structure), the plan (planning), calendars, baselines."""

from altitude.delivery.models.baselines import Baseline, BaselineTask
from altitude.delivery.models.calendars import Calendar, CalendarException
from altitude.delivery.models.planning import (
    ConstraintType,
    Dependency,
    LinkType,
    RunStatus,
    ScheduleRun,
    Task,
    TaskStatus,
)
from altitude.delivery.models.structure import (
    MONEY,
    Program,
    ProgramMembership,
    ProgramObjective,
    Project,
    ProjectMembership,
    Stage,
)

__all__ = [
    "MONEY", "Baseline", "BaselineTask", "Calendar", "CalendarException", "ConstraintType", "Dependency",
    "LinkType", "Program", "ProgramMembership", "ProgramObjective", "Project", "ProjectMembership",
    "RunStatus", "ScheduleRun", "Stage", "Task", "TaskStatus",
]
