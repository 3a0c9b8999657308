"""``/api/v1/resources``, ``/api/v1/assignments``, ``/api/v1/time-entries`` and levelling: parse, call one
service, return."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.resources import leveling_apply, leveling_runs, services, time_entries
from altitude.resources.models import (
    Assignment,
    LevelingRun,
    LevelingRunState,
    Resource,
    ResourceKind,
    TimeEntry,
)
from altitude.resources.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    LevelingAppliedOut,
    LevelingApplyIn,
    LevelingPreviewOut,
    LevelingRunIn,
    LevelingRunOut,
    LevelingUndoneOut,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatch,
)

router = Router(tags=["resources"])


class ResourceFilters(Schema):
    q: str | None = None
    portfolio: int | None = None
    kind: ResourceKind | None = None


@router.get("/resources", response=list[ResourceOut])
@paginate(PageNumberPagination)
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]) -> object:
    qs = services.visible_resources(request.user).order_by("portfolio_id", "name")
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.portfolio:
        qs = qs.filter(portfolio_id=filters.portfolio)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@router.get("/resources/{resource_id}", response=ResourceOut)
def get_resource(request: HttpRequest, resource_id: int) -> Resource:
    return services.get_resource(request.user, resource_id)


@router.post("/resources", response={201: ResourceOut})
def create_resource(request: HttpRequest, payload: ResourceIn) -> Resource:
    return services.create_resource(request.user, payload.dict())


@router.patch("/resources/{resource_id}", response=ResourceOut)
def update_resource(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Resource:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_resource(request.user, resource_id, version, changes)


@router.delete("/resources/{resource_id}", response={204: None})
def delete_resource(request: HttpRequest, resource_id: int) -> HttpResponse:
    services.delete_resource(request.user, resource_id)
    return HttpResponse(status=204)


@router.get("/projects/{project_id}/assignments", response=list[AssignmentOut])
@paginate(PageNumberPagination, page_size=100)
def list_assignments(request: HttpRequest, project_id: int) -> object:
    return services.list_assignments(request.user, project_id)


@router.get("/assignments/{assignment_id}", response=AssignmentOut)
def get_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    return services.get_assignment(request.user, assignment_id)


@router.post("/assignments", response={201: AssignmentOut})
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Assignment:
    return services.create_assignment(request.user, payload.dict())


@router.patch("/assignments/{assignment_id}", response=AssignmentOut)
def update_assignment(request: HttpRequest, assignment_id: int, payload: AssignmentPatch) -> Assignment:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_assignment(request.user, assignment_id, version, changes)


@router.delete("/assignments/{assignment_id}", response={204: None})
def delete_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    services.delete_assignment(request.user, assignment_id)
    return HttpResponse(status=204)


class TimeEntryFilters(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    task: int | None = None
    project: int | None = None


@router.get("/time-entries", response=list[TimeEntryOut], tags=["time entries"])
@paginate(PageNumberPagination, page_size=100)
def list_my_time_entries(request: HttpRequest, filters: Query[TimeEntryFilters]) -> object:
    """The signed-in user's own entries, newest first; ``start``/``end`` are inclusive dates."""
    return time_entries.my_entries(request.user, filters.start, filters.end, filters.task, filters.project)


@router.get("/time-entries/{entry_id}", response=TimeEntryOut, tags=["time entries"])
def get_time_entry(request: HttpRequest, entry_id: int) -> TimeEntry:
    return time_entries.get_time_entry(request.user, entry_id)


@router.post("/time-entries", response={201: TimeEntryOut}, tags=["time entries"])
def create_time_entry(request: HttpRequest, payload: TimeEntryIn) -> TimeEntry:
    return time_entries.create_time_entry(request.user, payload.dict())


@router.patch("/time-entries/{entry_id}", response=TimeEntryOut, tags=["time entries"])
def update_time_entry(request: HttpRequest, entry_id: int, payload: TimeEntryPatch) -> TimeEntry:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return time_entries.update_time_entry(request.user, entry_id, version, changes)


@router.delete("/time-entries/{entry_id}", response={204: None}, tags=["time entries"])
def delete_time_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    time_entries.delete_time_entry(request.user, entry_id)
    return HttpResponse(status=204)


class LevelingQuery(Schema):
    within_float: bool = False


@router.get("/projects/{project_id}/leveling-preview", response=LevelingPreviewOut, tags=["leveling"])
def project_leveling_preview(request: HttpRequest, project_id: int, query: Query[LevelingQuery]) -> object:
    """What levelling the project's assignments would do (heuristic, half a second); nothing is written."""
    return services.level_preview(request.user, project_id, within_float=query.within_float)


@router.get("/programs/{program_id}/leveling-preview", response=LevelingPreviewOut, tags=["leveling"])
def program_leveling_preview(request: HttpRequest, program_id: int, query: Query[LevelingQuery]) -> object:
    """The same across every project of the program, on their shared resources (project priorities count)."""
    return services.level_program_preview(request.user, program_id, within_float=query.within_float)


@router.get("/portfolios/{portfolio_id}/leveling-preview", response=LevelingPreviewOut, tags=["leveling"])
def portfolio_leveling_preview(request: HttpRequest, portfolio_id: int, query: Query[LevelingQuery]) -> object:
    """The same across the portfolio's live projects (initiating to closing, with a start date)."""
    return services.level_portfolio_preview(request.user, portfolio_id, within_float=query.within_float)


def _applied(outcome: leveling_apply.Applied) -> dict[str, Any]:
    a = outcome.application
    return {
        "id": a.pk, "project_id": a.project_id, "program_id": a.program_id, "portfolio_id": a.portfolio_id,
        "created_at": a.created_at,
        "within_float": a.within_float, "kept": list(outcome.kept), "unsettled": outcome.unsettled,
        "changes": [{"task_id": c["task"], "label": c["label"], "constraint_type_before": c["type"],
                     "constraint_date_before": c["date"]} for c in a.changes],
    }


@router.post("/projects/{project_id}/leveling/apply", response={201: LevelingAppliedOut}, tags=["leveling"])
def apply_project_leveling(request: HttpRequest, project_id: int, payload: LevelingApplyIn) -> Status[dict[str, Any]]:
    """Write the preview: start no earlier than on each task a resource delays, then reschedule (422 when
    nothing needs levelling). Undo with ``POST /leveling/{id}/undo``."""
    applied = services.apply_leveling(request.user, project_id, within_float=payload.within_float, run_id=payload.run_id)
    return Status(201, _applied(applied))


@router.post("/programs/{program_id}/leveling/apply", response={201: LevelingAppliedOut}, tags=["leveling"])
def apply_program_leveling(request: HttpRequest, program_id: int, payload: LevelingApplyIn) -> Status[dict[str, Any]]:
    """The same across every project of the program (manager of each project, or PMO)."""
    applied = services.apply_program_leveling(request.user, program_id, within_float=payload.within_float,
                                              run_id=payload.run_id)
    return Status(201, _applied(applied))


@router.post("/portfolios/{portfolio_id}/leveling/apply", response={201: LevelingAppliedOut}, tags=["leveling"])
def apply_portfolio_leveling(request: HttpRequest, portfolio_id: int,
                             payload: LevelingApplyIn) -> Status[dict[str, Any]]:
    """The same across the portfolio's live projects (manager of each project, or PMO)."""
    applied = services.apply_portfolio_leveling(request.user, portfolio_id, within_float=payload.within_float,
                                                run_id=payload.run_id)
    return Status(201, _applied(applied))


def _run(run: LevelingRun) -> dict[str, Any]:
    done = run.state == LevelingRunState.DONE
    return {
        "id": run.pk, "state": run.state, "project_id": run.project_id, "program_id": run.program_id,
        "portfolio_id": run.portfolio_id, "within_float": run.within_float, "seconds": run.seconds,
        "created_at": run.created_at, "started_at": run.started_at, "finished_at": run.finished_at,
        "error": run.error, "current": done and leveling_runs.is_current(run),
        "result": leveling_runs.result_of(run) if done else None,
    }


@router.post("/leveling/runs", response={202: LevelingRunOut}, tags=["leveling"])
def optimise_leveling(request: HttpRequest, payload: LevelingRunIn) -> Status[dict[str, Any]]:
    """Queue the exact mode (genetic algorithm beside CP-SAT) for ``seconds`` on the scope's plan; a
    background worker runs it. Poll ``GET /leveling/runs/{id}``; apply with ``run_id``. 409 while
    another optimisation of the same scope is under way."""
    run = services.optimise_leveling(request.user, payload.scope, payload.id, within_float=payload.within_float,
                                     seconds=payload.seconds)
    return Status(202, _run(run))


@router.get("/leveling/runs/{run_id}", response=LevelingRunOut, tags=["leveling"])
def get_leveling_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """An optimisation's state, and its preview once done."""
    return _run(services.get_leveling_run(request.user, run_id))


@router.post("/leveling/runs/{run_id}/cancel", response=LevelingRunOut, tags=["leveling"])
def cancel_leveling_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """Stop a queued or running optimisation (``state`` failed, ``error`` says who cancelled); the
    scope is free for another at once. 422 once it has finished."""
    return _run(services.cancel_leveling_run(request.user, run_id))


@router.post("/leveling/{application_id}/undo", response=LevelingUndoneOut, tags=["leveling"])
def undo_leveling(request: HttpRequest, application_id: int) -> dict[str, Any]:
    """Put back the constraints a levelling replaced, on tasks unchanged since; then reschedule."""
    outcome = services.undo_leveling(request.user, application_id)
    return {"id": outcome.application.pk, "undone_at": outcome.application.undone_at,
            "restored": outcome.restored, "kept": list(outcome.kept)}
