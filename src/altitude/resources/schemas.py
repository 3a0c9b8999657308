"""API shapes of resources and assignments."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from altitude.resources.models import ResourceKind

VERSION = Field(None, ge=1, description="The version you edited (or send If-Match).")


class ResourceIn(Schema):
    portfolio_id: int
    name: str = Field(min_length=1, max_length=200)
    kind: ResourceKind = ResourceKind.PERSON
    user_id: int | None = None
    max_units: Decimal = Field(Decimal("1"), ge=0, max_digits=6, decimal_places=2)
    calendar_id: int | None = None
    cost_rate: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)


class ResourcePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: ResourceKind | None = None
    user_id: int | None = None
    max_units: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    calendar_id: int | None = None
    cost_rate: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    version: int | None = VERSION


class ResourceOut(Schema):
    id: int
    portfolio_id: int
    name: str
    kind: ResourceKind
    user_id: int | None
    max_units: Decimal
    calendar_id: int | None
    cost_rate: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


class AssignmentIn(Schema):
    task_id: int
    resource_id: int
    units: Decimal = Field(Decimal("1"), gt=0, max_digits=6, decimal_places=2)
    work_minutes: int | None = Field(None, ge=0)


class AssignmentPatch(Schema):
    units: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=2)
    work_minutes: int | None = Field(None, ge=0)
    version: int | None = VERSION


class AssignmentOut(Schema):
    id: int
    task_id: int
    resource_id: int
    units: Decimal
    work_minutes: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class TimeEntryIn(Schema):
    task_id: int
    date: dt.date | None = Field(None, description="Empty: today. Not after today.")
    minutes: int = Field(ge=1, le=1440, description="1 minute to 24 hours; a person's day adds up to 24 h at most.")
    note: str = Field("", max_length=300)
    user_id: int | None = Field(None, description="Book for someone else (the project's managers only).")


class TimeEntryPatch(Schema):
    date: dt.date | None = None
    minutes: int | None = Field(None, ge=1, le=1440)
    note: str | None = Field(None, max_length=300)
    version: int | None = VERSION


class TimeEntryOut(Schema):
    id: int
    user_id: int
    task_id: int
    project_id: int = Field(alias="task.project_id")
    resource_id: int | None
    date: dt.date
    minutes: int
    note: str
    version: int
    created_at: datetime
    updated_at: datetime


class DelayedTaskOut(Schema):
    task_id: int
    label: str = Field(description="Project code (across projects), WBS and name.")
    start: datetime = Field(description="Start without levelling (the CPM early start).")
    levelled_start: datetime
    delay_days: float = Field(description="Working days of 8 hours.")
    resource: str | None = Field(description="The resource that was full when the task could have started.")
    competing: list[str] = Field(description="The tasks holding that resource then.")
    predecessor: str | None = Field(description="A delayed predecessor that pushes the task.")
    successor: str | None = Field(None, description="A do-not-level task (priority 1000) that follows this one "
                                  "and goes where it puts it: the delay keeps that task out of the resource's "
                                  "over-allocation (the resource and competing tasks are that task's).")


class OverloadOut(Schema):
    resource: str
    start: datetime
    end: datetime
    load_percent: int = Field(description="Peak load, in percent of one full unit (100 = one full-time person).")
    capacity_percent: int
    tasks: list[str]
    reasons: list[str] = Field(description="After levelling: why the over-allocation stays (a task needing more "
                                           "than the capacity alone, or one that cannot start after it: under way, "
                                           "a constraint, no free slot within its float, a task after it keeping its date). "
                                           "Empty before.")


class ProjectFinishOut(Schema):
    project_id: int
    code: str
    finish_before: datetime
    finish_after: datetime
    slip_days: int = Field(description="Calendar days the project's levelled finish lies after its unlevelled one.")
    delayed: int = Field(description="How many of its tasks levelling moves.")


class LoadChartOut(Schema):
    resource: str
    before: list[int | None] = Field(description="Peak load per period before levelling, percent of one full-time "
                                                 "unit; null for a period without work time.")
    after: list[int | None]
    capacity: list[int | None] = Field(description="Lowest capacity in the period (what work elsewhere leaves).")


class LoadChartsOut(Schema):
    periods: list[dt.date] = Field(description="First day of each period.")
    days_per_period: int = Field(description="1, or 7 for a plan of more than 400 days.")
    charts: list[LoadChartOut] = Field(description="The most over-allocated resources (at most 12).")
    over_allocated: int = Field(description="Resources over-allocated before or after levelling.")


class LevelingPreviewOut(Schema):
    status: str = Field(description="optimal (the levelled finish is proven the earliest), feasible, or "
                                    "infeasible (some over-allocation cannot be removed: see after).")
    tasks: int
    resources: int
    finish_before: datetime | None
    finish_after: datetime | None
    finish_slip_days: int | None = Field(description="Calendar days the levelled finish lies after the unlevelled one.")
    delayed: list[DelayedTaskOut]
    before: list[OverloadOut] = Field(description="Over-allocations of the plan as it is.")
    after: list[OverloadOut] = Field(description="Over-allocations levelling cannot remove.")
    within_float: bool
    seconds: float
    booked_elsewhere: int = Field(description="Assignments of the same resources on other projects (not proposed "
                                              "or closed), taken off their capacity at their scheduled dates.")
    other_projects: int = Field(description="How many other projects those assignments are on.")
    days_off: list[tuple[str, int]] = Field(description="(resource, days): days off in the resource's own calendar "
                                                   "(leave, holidays, shorter days) within the levelled plan, taken "
                                                   "off its capacity.")
    projects: list[ProjectFinishOut] = Field(description="Each project levelled: its finish without and with levelling.")
    mode: str = Field(description="heuristic (the preview, half a second) or exact (an optimisation run: a genetic "
                                  "algorithm beside CP-SAT).")
    charts: LoadChartsOut = Field(description="Each over-allocated resource's load per day (or week) before and "
                                              "after levelling, against its capacity.")
    unmet_links: list[tuple[str, str]] = Field(description="Links (predecessor, successor) a task pinned by a must-start/"
                                                    "finish-on constraint or by progress cannot meet: it keeps its date, "
                                                    "as the scheduler does, and levelling leaves the link out.")


class LevelingApplyIn(Schema):
    within_float: bool = Field(False, description="Move tasks only within their float: the finish never moves.")
    run_id: int | None = Field(None, description="Apply this finished optimisation (POST /leveling/runs) instead of "
                                                 "the preview; 409 when the plan changed since it ran.")


class LevelingRunIn(Schema):
    scope: Literal["project", "program", "portfolio"]
    id: int = Field(description="The project's, program's or portfolio's id.")
    within_float: bool = False
    seconds: int = Field(10, ge=1, le=300, description="The exact mode's time budget.")


class LevelingRunOut(Schema):
    id: int
    state: str = Field(description="queued, running, done or failed.")
    project_id: int | None
    program_id: int | None
    portfolio_id: int | None
    within_float: bool
    seconds: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    current: bool = Field(description="Done, and the plan is still the one it levelled (it can be applied).")
    result: LevelingPreviewOut | None = Field(description="The optimised preview, once done.")


class LevelingChangeOut(Schema):
    task_id: int
    label: str
    constraint_type_before: str
    constraint_date_before: dt.date | None


class LevelingAppliedOut(Schema):
    id: int = Field(description="Pass it to POST /leveling/{id}/undo.")
    project_id: int | None
    program_id: int | None
    portfolio_id: int | None
    created_at: datetime
    within_float: bool
    changes: list[LevelingChangeOut] = Field(description="Each task that got a start-no-earlier-than constraint.")
    kept: list[str] = Field(description="Delayed tasks that kept a constraint of their own.")
    unsettled: bool = Field(False, description="True when, after every round of writing (starts within a day "
                                               "become the next day), levelling would still delay a task: "
                                               "preview and apply again.")


class LevelingUndoneOut(Schema):
    id: int
    undone_at: datetime
    restored: int
    kept: list[str] = Field(description="Tasks changed since the levelling: their constraint stays.")
