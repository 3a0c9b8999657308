"""API shapes of the plan: tasks, dependencies, calendars, baselines, schedules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from altitude.delivery.models import Calendar, ConstraintType, LinkType, TaskStatus
from altitude.delivery.models.calendars import standard_week

VERSION = Field(None, ge=1, description="The version you edited (or send If-Match).")
Intervals = list[list[str]]


class TaskFields(Schema):
    parent_id: int | None = None
    position: int | None = Field(None, ge=1, description="1-based place among the siblings; empty: last.")
    duration_minutes: int = Field(0, ge=0, description="Working minutes (480 = one 8-hour day).")
    milestone: bool = False
    optimistic_minutes: int | None = Field(None, ge=0)
    most_likely_minutes: int | None = Field(None, ge=0)
    pessimistic_minutes: int | None = Field(None, ge=0)
    constraint_type: ConstraintType = ConstraintType.ASAP
    constraint_date: date | None = None
    calendar_id: int | None = None
    deliverable: str = Field("", max_length=200)
    acceptance_criteria: str = ""
    leveling_priority: int = Field(500, ge=0, le=1000, description="Levelling priority (MS Project's 0 to 1000): "
                                   "higher-priority tasks get short people and equipment first; 1000: do not "
                                   "level (never delayed for a resource, its over-allocations reported).")
    status: TaskStatus = TaskStatus.TODO
    percent_complete: int = Field(0, ge=0, le=100)
    actual_start: date | None = None
    actual_finish: date | None = None
    remaining_minutes: int | None = Field(None, ge=0)


class TaskIn(TaskFields):
    name: str = Field(min_length=1, max_length=200)


class TaskPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    parent_id: int | None = None
    position: int | None = Field(None, ge=1)
    duration_minutes: int | None = Field(None, ge=0)
    milestone: bool | None = None
    optimistic_minutes: int | None = Field(None, ge=0)
    most_likely_minutes: int | None = Field(None, ge=0)
    pessimistic_minutes: int | None = Field(None, ge=0)
    constraint_type: ConstraintType | None = None
    constraint_date: date | None = None
    calendar_id: int | None = None
    deliverable: str | None = Field(None, max_length=200)
    acceptance_criteria: str | None = None
    leveling_priority: int | None = Field(None, ge=0, le=1000)
    status: TaskStatus | None = None
    percent_complete: int | None = Field(None, ge=0, le=100)
    actual_start: date | None = None
    actual_finish: date | None = None
    remaining_minutes: int | None = Field(None, ge=0)
    version: int | None = VERSION


class TaskOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    position: int
    wbs: str
    name: str
    duration_minutes: int
    milestone: bool
    optimistic_minutes: int | None
    most_likely_minutes: int | None
    pessimistic_minutes: int | None
    constraint_type: ConstraintType
    constraint_date: date | None
    calendar_id: int | None
    deliverable: str
    acceptance_criteria: str
    leveling_priority: int
    status: TaskStatus
    percent_complete: int
    actual_start: date | None
    actual_finish: date | None
    remaining_minutes: int | None
    start: datetime | None
    finish: datetime | None
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    total_float_minutes: int | None
    free_float_minutes: int | None
    critical: bool
    driving_predecessor_id: int | None
    scheduled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class MoveIn(Schema):
    parent_id: int | None = Field(None, description="The new parent (empty: top level).")
    position: int | None = Field(None, ge=1, description="1-based place among the new siblings; empty: last.")
    version: int | None = VERSION


class PredecessorsIn(Schema):
    predecessors: str = Field(
        max_length=500, description="MS Project notation over row IDs (outline order), e.g. '12FS+2d, 3SS-1d, 7'; "
                                    "empty: no predecessors in the project. Links from other projects are kept.")
    version: int | None = VERSION


class BulkItemIn(TaskPatch):
    id: int


class BulkIn(Schema):
    items: list[BulkItemIn] = Field(min_length=1, max_length=2000)


class ProgressIn(Schema):
    percent_complete: int | None = Field(None, ge=0, le=100)
    actual_start: date | None = None
    actual_finish: date | None = None
    remaining_minutes: int | None = Field(None, ge=0)
    status: TaskStatus | None = None
    status_date: date | None = Field(None, description="The date the progress is reported as of.")
    version: int | None = VERSION


class DeletedOut(Schema):
    tasks: int
    dependencies: int
    assignments: int


class HistoryOut(Schema):
    history_id: int
    history_date: datetime
    history_type: str
    history_user_id: int | None
    changes: dict[str, list[object]]


class DependencyIn(Schema):
    predecessor_id: int
    successor_id: int
    type: LinkType = LinkType.FS
    lag_minutes: int = Field(0, description="Working minutes; negative = lead.")
    lag_elapsed: bool = False


class DependencyPatch(Schema):
    type: LinkType | None = None
    lag_minutes: int | None = None
    lag_elapsed: bool | None = None
    version: int | None = VERSION


class DependencyOut(Schema):
    id: int
    predecessor_id: int
    successor_id: int
    type: LinkType
    lag_minutes: int
    lag_elapsed: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ExceptionIn(Schema):
    name: str = Field("", max_length=100)
    start: date
    end: date | None = None
    working: bool = False
    intervals: Intervals = []


class ExceptionOut(ExceptionIn):
    id: int


class CalendarIn(Schema):
    portfolio_id: int
    project_id: int | None = None
    name: str = Field(min_length=1, max_length=100)
    week: dict[str, Intervals] = Field(default_factory=standard_week)
    base_id: int | None = None
    exceptions: list[ExceptionIn] = []


class CalendarPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    week: dict[str, Intervals] | None = None
    base_id: int | None = None
    exceptions: list[ExceptionIn] | None = Field(None, description="Replaces every exception when given.")
    version: int | None = VERSION


class CalendarOut(Schema):
    id: int
    portfolio_id: int
    project_id: int | None
    name: str
    week: dict[str, Intervals]
    base_id: int | None
    exceptions: list[ExceptionOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_exceptions(obj: Calendar) -> list[object]:
        return list(obj.exceptions.all())


class BaselineIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class BaselineOut(Schema):
    id: int
    project_id: int
    name: str
    created_by_id: int | None
    version: int
    created_at: datetime


class VarianceRow(Schema):
    task_id: int | None
    wbs: str
    name: str
    deleted: bool
    baseline_start: datetime | None
    baseline_finish: datetime | None
    start: datetime | None
    finish: datetime | None
    start_slip_days: Decimal | None = Field(description="Working days on the task's calendar; positive = later.")
    finish_slip_days: Decimal | None
    duration_variance_minutes: int | None
    work_variance_minutes: int | None
    cost_variance: Decimal | None


class VarianceOut(Schema):
    baseline_id: int
    name: str
    created_at: datetime
    tasks: list[VarianceRow]


class RescheduleIn(Schema):
    status_date: date | None = Field(None, description="Progress as of this date (default: the projects' status date).")


class ScheduleRunOut(Schema):
    id: int
    project_id: int | None
    program_id: int | None
    started_at: datetime
    duration_ms: int
    task_count: int
    query_count: int
    status: str
    finish: datetime | None
    message: str


class ScheduleTask(Schema):
    id: int
    project_id: int
    parent_id: int | None
    wbs: str
    name: str
    start: str | None
    finish: str | None
    late_start: str | None
    late_finish: str | None
    duration_minutes: int
    milestone: bool
    summary: bool
    percent_complete: int
    total_float_minutes: int | None
    free_float_minutes: int | None
    critical: bool
    driving_predecessor_id: int | None
    version: int


class ScheduleLink(Schema):
    id: int
    predecessor_id: int
    successor_id: int
    type: LinkType
    lag_minutes: int
    lag_elapsed: bool
    version: int


class ExternalTask(Schema):
    id: int
    project_id: int
    project_code: str
    wbs: str
    name: str
    start: str | None
    finish: str | None


class ScheduleOut(Schema):
    project_id: int | None
    program_id: int | None
    status_date: date | None
    scheduled_at: datetime | None
    scheduled: bool = Field(description="False until every task has dates (reschedule).")
    finish: str | None
    critical_path: list[int] = Field(description="Critical work tasks and milestones, by start.")
    tasks: list[ScheduleTask]
    links: list[ScheduleLink]
    external_tasks: list[ExternalTask] = Field(description="Tasks of other projects linked to these.")
