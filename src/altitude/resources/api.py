"""``/api/v1/resources``, ``/api/v1/assignments`` and ``/api/v1/time-entries``: parse, call one service, return."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.resources import services, time_entries
from altitude.resources.models import Assignment, Resource, ResourceKind, TimeEntry
from altitude.resources.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    LevelingPreviewOut,
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
